package dev.rmmaudit.forwarder.config;

/**
 * A secret configuration value (password, token). {@link #toString()} never reveals it, so it is safe in
 * log lines, exceptions and records; call {@link #reveal()} only where the value is handed to a client.
 */
public final class Secret {
    public static final Secret NONE = new Secret("");

    private final String value;

    public Secret(String value) {
        this.value = value == null ? "" : value;
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(none)" : "(secret)";
    }
}
