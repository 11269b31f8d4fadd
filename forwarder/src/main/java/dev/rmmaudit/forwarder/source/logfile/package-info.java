/** Log files followed as they grow (web access logs, the database's error log): each parsed line a row. */
package dev.rmmaudit.forwarder.source.logfile;
