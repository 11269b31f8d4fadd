/** Sinks deliver encoded events to SIEMs; what every sink shares (backoff, metrics) lives here once. */
package dev.rmmaudit.forwarder.sink;
