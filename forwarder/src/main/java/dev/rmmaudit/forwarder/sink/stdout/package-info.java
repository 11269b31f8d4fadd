/** The stdout sink: one encoded event per line on standard output. */
package dev.rmmaudit.forwarder.sink.stdout;
