package dev.rmmaudit.forwarder.sink;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body made of several byte arrays (one encoded event each). The JDK's publishers copy: {@code
 * ofByteArray} into fresh 16 KB buffers, and {@code ofByteArrays} into one fresh 16 KB buffer per array, so a
 * request of a thousand 1 KB events allocated 16 MB. Nor can every array go out as a buffer of its own: the
 * JDK's HTTP/1.1 client writes each buffer it is given with a system call of its own (a thousand {@code writev}
 * calls for a request of a thousand events, measured with strace), and on loopback each call also wakes the
 * receiver. So runs of consecutive parts are copied into buffers of up to {@code chunkBytes} (one copy of the
 * body, in pieces well below G1's humongous size), and a part that is as large alone goes out as a read-only
 * view of itself. The arrays must not change while a request may still read them.
 */
final class PartsBodyPublisher implements HttpRequest.BodyPublisher {
    /** The default size of the buffers runs of parts are joined into. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final List<byte[]> parts;
    private final long length;
    private final int chunkBytes;

    PartsBodyPublisher(List<byte[]> parts) {
        this(parts, CHUNK_BYTES);
    }

    PartsBodyPublisher(List<byte[]> parts, int chunkBytes) {
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
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

    /**
     * One subscription: emits the parts in order as demanded, runs of them joined; reentrant calls to request()
     * only add demand.
     */
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
                    subscriber.onNext(nextBuffer());
                }
                if (!stopped && next == parts.size()) {
                    stopped = true;
                    subscriber.onComplete();
                }
                missed = work.addAndGet(-missed);
            } while (missed != 0);
        }

        /** The parts from {@code next} on that fit in one chunk, copied into it; a part too large for one, alone. */
        private ByteBuffer nextBuffer() {
            int end = next;
            int size = 0;
            while (end < parts.size() && size + parts.get(end).length <= chunkBytes) {
                size += parts.get(end++).length;
            }
            if (end <= next + 1) {
                return ByteBuffer.wrap(parts.get(next++)).asReadOnlyBuffer();
            }
            byte[] chunk = new byte[size];
            int at = 0;
            for (; next < end; next++) {
                byte[] p = parts.get(next);
                System.arraycopy(p, 0, chunk, at, p.length);
                at += p.length;
            }
            return ByteBuffer.wrap(chunk);
        }

        @Override
        public void cancel() {
            stopped = true;
        }
    }
}
