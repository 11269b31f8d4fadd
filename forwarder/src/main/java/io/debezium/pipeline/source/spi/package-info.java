/**
 * Debezium's own package: the forwarder keeps here only {@code EventFormatter}, which replaces Debezium 3.5.0's
 * class of that name until an upgrade brings the upstream fix (docs/decisions.md).
 */
package io.debezium.pipeline.source.spi;
