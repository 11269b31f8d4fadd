package dev.rmmaudit.forwarder.config;

/** A sink configuration with the shared HTTP settings. */
public interface HasHttpSettings {
    HttpSettings http();
}
