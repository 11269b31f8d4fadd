package dev.rmmaudit.forwarder.sink;

import java.time.Duration;

/**
 * What a response means for the events it carried: delivered, worth retrying (perhaps not before a time the
 * server named), or never deliverable (to the dead-letter file, with the reason).
 */
public record Verdict(Kind kind, String reason, Duration retryAfter) {
    public enum Kind { DELIVERED, RETRY, PERMANENT }

    public static final Verdict DELIVERED = new Verdict(Kind.DELIVERED, "", null);

    public static Verdict retry(String reason) {
        return new Verdict(Kind.RETRY, reason, null);
    }

    public static Verdict retryAfter(String reason, Duration after) {
        return new Verdict(Kind.RETRY, reason, after);
    }

    public static Verdict permanent(String reason) {
        return new Verdict(Kind.PERMANENT, reason, null);
    }

    /** The usual reading of a status: 2xx delivered, 408/429/5xx retried, any other 4xx permanent. */
    public static Verdict ofStatus(int status, String body, String retryAfterHeader) {
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        String reason = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body));
        if (status == 429 || status == 408 || status >= 500) {
            return retryAfter(reason, parseRetryAfter(retryAfterHeader));
        }
        return permanent(reason);
    }

    /** Retry-After in seconds (the HTTP-date form is read as "not given"). */
    static Duration parseRetryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long s = Long.parseLong(header.trim());
            return s < 0 ? null : Duration.ofSeconds(Math.min(s, 3600));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
