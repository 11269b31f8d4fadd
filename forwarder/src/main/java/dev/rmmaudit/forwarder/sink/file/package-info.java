/** The file sink: JSON lines (or CEF lines) appended and synced per batch. */
package dev.rmmaudit.forwarder.sink.file;
