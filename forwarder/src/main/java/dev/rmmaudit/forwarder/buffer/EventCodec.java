package dev.rmmaudit.forwarder.buffer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.io.IOException;
import java.time.Instant;

/**
 * A {@link SecurityEvent} as bytes for the disk buffer: its record components as JSON, so a buffer written by
 * one version is read by the next as long as the event's fields only grow (unknown fields are ignored).
 */
public final class EventCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new SimpleModule("instant")
                    .addSerializer(Instant.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                            g.writeString(v.toString());
                        }
                    })
                    .addDeserializer(Instant.class, new JsonDeserializer<>() {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }));

    private EventCodec() {
    }

    public static byte[] encode(SecurityEvent e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (IOException x) {
            throw new IllegalStateException("an event could not be written as JSON", x);
        }
    }

    /** The event in {@code bytes}; an IOException when they are not one (a damaged or foreign record). */
    public static SecurityEvent decode(byte[] bytes) throws IOException {
        return JSON.readValue(bytes, SecurityEvent.class);
    }
}
