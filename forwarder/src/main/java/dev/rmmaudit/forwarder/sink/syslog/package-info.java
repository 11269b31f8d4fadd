/** The syslog sink: RFC 5424/3164 over UDP, TCP or TLS, with octet-counting or newline framing. */
package dev.rmmaudit.forwarder.sink.syslog;
