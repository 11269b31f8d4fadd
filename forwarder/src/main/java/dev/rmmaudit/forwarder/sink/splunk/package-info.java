/** The Splunk HEC sink: batches, indexer acknowledgement on a channel, HEC error codes. */
package dev.rmmaudit.forwarder.sink.splunk;
