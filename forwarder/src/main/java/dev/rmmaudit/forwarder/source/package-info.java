/** Sources read a product's own data (a binlog, a SQLite file) and hand row changes to the pipeline. */
package dev.rmmaudit.forwarder.source;
