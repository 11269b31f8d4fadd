/** The Microsoft Sentinel sink: Azure Monitor Logs Ingestion API with a cached OAuth2 token. */
package dev.rmmaudit.forwarder.sink.sentinel;
