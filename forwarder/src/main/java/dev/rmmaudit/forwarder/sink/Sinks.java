package dev.rmmaudit.forwarder.sink;

import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.FileSinkConfig;
import dev.rmmaudit.forwarder.config.HttpSinkConfig;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.config.SinkConfig;
import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.sink.elastic.ElasticsearchSink;
import dev.rmmaudit.forwarder.sink.file.FileSink;
import dev.rmmaudit.forwarder.sink.sentinel.SentinelSink;
import dev.rmmaudit.forwarder.sink.splunk.SplunkHecSink;
import dev.rmmaudit.forwarder.sink.webhook.WebhookSink;
import dev.rmmaudit.forwarder.sink.stdout.StdoutSink;
import dev.rmmaudit.forwarder.sink.syslog.SyslogSink;

/** Creates the sink a configuration describes. */
public final class Sinks {
    private Sinks() {
    }

    public static Sink create(SinkConfig c) {
        if (c instanceof SyslogSinkConfig s) {
            return new SyslogSink(s);
        }
        if (c instanceof SplunkHecSinkConfig h) {
            return new SplunkHecSink(h);
        }
        if (c instanceof ElasticsearchSinkConfig es) {
            return new ElasticsearchSink(es);
        }
        if (c instanceof SentinelSinkConfig s) {
            return new SentinelSink(s);
        }
        if (c instanceof HttpSinkConfig h) {
            return new WebhookSink(h);
        }
        if (c instanceof FileSinkConfig f) {
            return new FileSink(f.name(), Encoder.forFormat(f.format()), f.path());
        }
        return new StdoutSink(c.name(), Encoder.forFormat(c.format()), System.out);
    }
}
