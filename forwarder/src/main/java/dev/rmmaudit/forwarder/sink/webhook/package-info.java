/** The generic HTTP sink: JSON or NDJSON batches to any URL with configured headers. */
package dev.rmmaudit.forwarder.sink.webhook;
