/**
 * Debezium's own package: the forwarder keeps here only {@code ChangeEventQueue}, which replaces Debezium 3.5.0's
 * class of that name so that an idle poll waits instead of spinning (docs/decisions.md).
 */
package io.debezium.connector.base;
