/** {@code forwarder rules export}: the alert rules as Splunk, Sentinel, Elastic/OpenSearch and Sigma detections. */
package dev.rmmaudit.forwarder.export;
