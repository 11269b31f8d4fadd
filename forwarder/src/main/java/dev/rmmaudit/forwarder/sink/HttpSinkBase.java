package dev.rmmaudit.forwarder.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.HttpSettings;
import java.io.IOException;

/** What every HTTP sink has: its name, counters, the retrying HTTP delivery and its dead-letter file. */
public abstract class HttpSinkBase implements Sink {
    protected static final ObjectMapper JSON = new ObjectMapper();

    protected final SinkMetrics metrics = new SinkMetrics();
    protected final HttpDelivery http;
    protected final DeadLetters deadLetters;
    private final String name;

    protected HttpSinkBase(String name, HttpSettings settings) {
        this.name = name;
        this.http = new HttpDelivery(name, settings, metrics);
        this.deadLetters = new DeadLetters(name, settings.deadLetterFile(), metrics);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SinkMetrics metrics() {
        return metrics;
    }

    /** A response body as JSON; an empty object when it is empty or not JSON. */
    protected static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void close() {
        // the JDK HTTP client holds no connection worth closing explicitly
    }
}
