package dev.rmmaudit.forwarder.sink;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body made of several byte arrays, sent as they are. The JDK's publishers copy: {@code ofByteArray}
 * into fresh 16 KB buffers, and {@code ofByteArrays} into one fresh 16 KB buffer per array, so a request of a
 * thousand 1 KB events allocated 16 MB. This one wraps each array (read-only) and allocates nothing per byte.
 * The arrays must not change while a request may still read them.
 */
final class PartsBodyPublisher implements HttpRequest.BodyPublisher {
    private final List<byte[]> parts;
    private final long length;

    PartsBodyPublisher(List<byte[]> parts) {
        this.parts = List.copyOf(parts);
        long n = 0;
        for (byte[] p : this.parts) {
            n += p.length;
        }
        this.length = n;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Parts(subscriber));
    }

    /** One subscription: emits the parts in order as demanded; reentrant calls to request() only add demand. */
    private final class Parts implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger work = new AtomicInteger();
        private volatile boolean stopped;
        private int next;

        Parts(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (stopped) {
                return;
            }
            if (n <= 0) {
                stopped = true;
                subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            emit();
        }

        private void emit() {
            if (work.getAndIncrement() != 0) {
                return; // the emitting call (further up this stack or on another thread) sees the new demand
            }
            int missed = 1;
            do {
                while (!stopped && next < parts.size() && demand.get() > 0) {
                    demand.decrementAndGet();
                    subscriber.onNext(ByteBuffer.wrap(parts.get(next++)).asReadOnlyBuffer());
                }
                if (!stopped && next == parts.size()) {
                    stopped = true;
                    subscriber.onComplete();
                }
                missed = work.addAndGet(-missed);
            } while (missed != 0);
        }

        @Override
        public void cancel() {
            stopped = true;
        }
    }
}
