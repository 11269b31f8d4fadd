/** {@code forwarder verify}: checks a SIEM's export of sealed events against the install's chain key. */
package dev.rmmaudit.forwarder.verify;
