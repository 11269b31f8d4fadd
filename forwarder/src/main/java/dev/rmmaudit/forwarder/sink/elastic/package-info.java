/** The Elasticsearch/OpenSearch sink: _bulk create into a data stream, per-item results. */
package dev.rmmaudit.forwarder.sink.elastic;
