package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every HTTP sink shares: timeouts, TLS, batch limits, compression, retry bounds and where undeliverable
 * events go.
 *
 * @param maxBatchEvents events per request at most
 * @param maxBatchBytes request body bytes at most (before compression)
 * @param maxBatchAge how long events may wait for more to fill a batch when traffic is light
 * @param maxRetries attempts after the first before a batch is dead-lettered; 0 means retry for ever
 *     (the default: block rather than lose)
 * @param deadLetterFile JSON lines of events that can never be delivered, with the reason
 */
public record HttpSettings(
        Duration timeout,
        TlsConfig tls,
        int maxBatchEvents,
        int maxBatchBytes,
        Duration maxBatchAge,
        boolean gzip,
        int maxRetries,
        Duration retryInitial,
        Duration retryMax,
        Path deadLetterFile) {

    static HttpSettings read(ConfigNode n, String sinkName, Path baseDir, Path stateDir, int defaultMaxBytes) {
        Duration timeout = Durations.read(n.child("timeout"), Duration.ofSeconds(30));
        TlsConfig tls = TlsConfig.read(n.child("tls"), baseDir);
        ConfigNode batch = n.child("batch");
        int maxEvents = batch.integer("maxEvents", 500, 1, 100_000);
        int maxBytes = batch.integer("maxBytes", defaultMaxBytes, 1024, 100 * 1024 * 1024);
        Duration maxAge = Durations.read(batch.child("maxAge"), Duration.ofSeconds(1));
        if (batch.isPresent()) {
            batch.rejectUnknownKeys();
        }
        boolean gzip = n.bool("gzip", false);
        ConfigNode retry = n.child("retry");
        int maxRetries = retry.integer("maxRetries", 0, 0, 1_000_000);
        Duration initial = Durations.read(retry.child("initial"), Duration.ofMillis(500));
        Duration max = Durations.read(retry.child("max"), Duration.ofSeconds(60));
        if (retry.isPresent()) {
            retry.rejectUnknownKeys();
        }
        String dead = n.string("deadLetterFile", null);
        return new HttpSettings(timeout, tls, maxEvents, maxBytes, maxAge, gzip, maxRetries, initial, max,
                dead != null ? baseDir.resolve(dead).normalize() : stateDir.resolve("dead-letter-" + sinkName + ".jsonl"));
    }

    /** Checks that {@code url} is an http(s) URL; returns it without a trailing slash. */
    static String url(ConfigNode n, String key) {
        String url = n.requiredString(key);
        if (url == null) {
            return null;
        }
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            n.child(key).problem("must be an http:// or https:// URL, not '" + url + "'");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
