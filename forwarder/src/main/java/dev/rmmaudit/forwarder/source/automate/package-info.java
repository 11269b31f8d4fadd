/** The Automate source: Debezium follows the MySQL/MariaDB binlog; JDBC loads the user directory at start. */
package dev.rmmaudit.forwarder.source.automate;
