/** {@code forwarder check}: what is wrong with the server, the account and the sinks, each with its remedy. */
package dev.rmmaudit.forwarder.check;
