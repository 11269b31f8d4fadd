package dev.rmmaudit.forwarder.sink;

import dev.rmmaudit.forwarder.config.HttpSettings;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.MaxRetriesExceededException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends HTTP requests for one sink and retries them: the sink's {@code classify} says what a response means
 * (the retry policy); {@link Backoff} says how long to wait (exponential, jittered, capped) unless the server
 * sent Retry-After; a Resilience4j circuit breaker stops hammering an endpoint that keeps failing, and
 * Resilience4j's retry runs the loop. With {@code maxRetries: 0} (the default) it retries for ever: a sink
 * that cannot deliver blocks rather than loses.
 */
public final class HttpDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

    private final String sinkName;
    private final HttpSettings settings;
    private final HttpClient client;
    private final Backoff backoff;
    private final CircuitBreaker breaker;
    private final SinkMetrics metrics;

    public HttpDelivery(String sinkName, HttpSettings settings, SinkMetrics metrics) {
        this.sinkName = sinkName;
        this.settings = settings;
        this.metrics = metrics;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .sslContext(TlsContexts.context(settings.tls()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.backoff = new Backoff(settings.retryInitial(), settings.retryMax());
        this.breaker = CircuitBreaker.of(sinkName, CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.retryInitial().multipliedBy(4))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        if (!settings.tls().verify()) {
            LOG.warn("sink {}: TLS certificate verification is OFF (tls.verify: false); use only in a lab", sinkName);
        }
    }

    public HttpClient client() {
        return client;
    }

    public HttpSettings settings() {
        return settings;
    }

    /** The outcome of {@link #send}: the last response and what it means. */
    public record Result(HttpResponse<String> response, Verdict verdict) {
    }

    /**
     * Sends the request {@code build} makes (called again for each attempt) until {@code classify} says it is
     * delivered or permanent, or the retries run out (then a PERMANENT verdict with the last reason).
     */
    public Result send(java.util.function.Supplier<HttpRequest> build, Function<HttpResponse<String>, Verdict> classify)
            throws InterruptedException {
        Verdict[] last = {Verdict.retry("not sent")};
        RetryConfig config = RetryConfig.<Result>custom()
                .maxAttempts(settings.maxRetries() == 0 ? Integer.MAX_VALUE : settings.maxRetries() + 1)
                .retryOnResult(r -> r.verdict().kind() == Verdict.Kind.RETRY)
                .retryOnException(e -> e instanceof IOException || e instanceof CallNotPermittedException)
                .intervalBiFunction((attempt, either) -> {
                    Duration after = either.isRight() ? either.get().verdict().retryAfter() : null;
                    long wait = after != null ? after.toMillis() : backoff.delay(attempt).toMillis();
                    if (attempt == 1 || attempt % 20 == 0) {
                        LOG.warn("sink {}: {}; retrying in {} ms (attempt {})", sinkName, either.isRight()
                                ? either.get().verdict().reason() : either.getLeft().toString(), wait, attempt);
                    }
                    metrics.retried();
                    return wait;
                })
                .failAfterMaxAttempts(true)
                .build();
        Retry retry = Retry.of(sinkName, config);
        CheckedSupplier<Result> attempt = () -> {
            breaker.acquirePermission();
            long start = System.nanoTime();
            try {
                HttpResponse<String> resp = client.send(build.get(), HttpResponse.BodyHandlers.ofString());
                Verdict v = classify.apply(resp);
                last[0] = v;
                if (v.kind() == Verdict.Kind.RETRY) {
                    metrics.failed();
                    breaker.onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS,
                            new IOException(v.reason()));
                } else {
                    breaker.onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                }
                return new Result(resp, v);
            } catch (IOException e) {
                metrics.failed();
                last[0] = Verdict.retry(e.toString());
                breaker.onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS, e);
                throw e;
            }
        };
        try {
            return Retry.decorateCheckedSupplier(retry, attempt).get();
        } catch (MaxRetriesExceededException e) {
            return new Result(null, Verdict.permanent("gave up after " + (settings.maxRetries() + 1) + " attempts: "
                    + last[0].reason()));
        } catch (IOException | CallNotPermittedException e) {
            return new Result(null, Verdict.permanent("gave up after " + (settings.maxRetries() + 1) + " attempts: "
                    + e));
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("sink " + sinkName + " stopped while retrying");
            }
            throw new IllegalStateException("sink " + sinkName + ": " + e, e);
        }
    }

    /**
     * Sets {@code parts}, one after the other, as the POST body, gzip-compressed with its Content-Encoding header
     * when the sink is configured so (body and header are decided together, so a plain body is never labelled
     * gzip), with its length, without joining or copying them: a request of a
     * thousand events is a megabyte, a megabyte array is a "humongous" object that G1 allocates in the old
     * generation, and the JDK's own publishers copy every part into a new 16 KB buffer ({@link PartsBodyPublisher}).
     */
    public HttpRequest.Builder post(HttpRequest.Builder b, java.util.List<byte[]> parts) {
        if (settings.gzip()) {
            return b.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip(parts)));
        }
        return b.POST(new PartsBodyPublisher(parts));
    }

    public static byte[] gzip(byte[] raw) {
        return gzip(java.util.List.of(raw));
    }

    /** The parts, one after the other, gzip-compressed. */
    public static byte[] gzip(java.util.List<byte[]> parts) {
        long length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length / 4 + 64, 1 << 20));
                GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (byte[] p : parts) {
                gz.write(p);
            }
            gz.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("gzip to memory cannot fail", e);
        }
    }

    /** A request builder with the sink's timeout. */
    public HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(settings.timeout());
    }
}
