package dev.rmmaudit.forwarder.sink.syslog;

import java.io.IOException;

/** Sends framed syslog messages; on an error the caller closes it and tries again later. */
interface SyslogTransport extends AutoCloseable {
    /** Sends every frame, in order; returns once they are written to the network. */
    void send(Frames frames) throws IOException;

    @Override
    void close();
}
