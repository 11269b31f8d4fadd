package dev.rmmaudit.forwarder.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every configuration problem so that one run of {@code validate} reports them all. */
public final class Problems {
    private final List<String> messages = new ArrayList<>();

    /** Records a problem at a location such as {@code forwarder.yml:12 sinks[0].port}. */
    public void add(String location, String message) {
        messages.add(location + ": " + message);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Throws a {@link ConfigException} carrying every problem, if there is any. */
    public void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages);
        }
    }
}
