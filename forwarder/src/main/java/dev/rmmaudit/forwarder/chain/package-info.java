/** The tamper-evident chain: each sink's events sealed in sequence under the install's key, and its state. */
package dev.rmmaudit.forwarder.chain;
