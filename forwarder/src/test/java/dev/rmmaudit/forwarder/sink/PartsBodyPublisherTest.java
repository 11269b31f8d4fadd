package dev.rmmaudit.forwarder.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class PartsBodyPublisherTest {
    /** Requests {@code perRequest} items at a time, from inside onNext (the reentrant case). */
    private static final class Collector implements Flow.Subscriber<ByteBuffer> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> signals = new ArrayList<>();
        final long perRequest;
        Flow.Subscription subscription;
        int sinceRequest;

        Collector(long perRequest) {
            this.perRequest = perRequest;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(perRequest);
        }

        @Override
        public void onNext(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.get(out);
            bytes.writeBytes(out);
            signals.add("next");
            if (++sinceRequest == perRequest) {
                sinceRequest = 0;
                subscription.request(perRequest);
            }
        }

        @Override
        public void onError(Throwable t) {
            signals.add("error " + t.getMessage());
        }

        @Override
        public void onComplete() {
            signals.add("complete");
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The buffers a subscriber requesting everything at once receives. */
    private static List<ByteBuffer> buffers(PartsBodyPublisher p) {
        List<ByteBuffer> seen = new ArrayList<>();
        p.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                seen.add(item);
            }

            @Override
            public void onError(Throwable t) {
                throw new AssertionError(t);
            }

            @Override
            public void onComplete() {
            }
        });
        return seen;
    }

    @Test
    void subscribe_oneAtATimeOrAllAtOnce_deliversEveryByteInOrderThenCompletesOnce() {
        PartsBodyPublisher p = new PartsBodyPublisher(
                List.of(b("{\"a\":1}"), b(""), b("{\"b\":2}"), b("{\"c\":33}"), b("{\"d\":4}")), 16);
        assertEquals(29, p.contentLength());
        for (long perRequest : new long[] {1, 2, Long.MAX_VALUE}) {
            Collector c = new Collector(perRequest);
            p.subscribe(c);
            assertEquals("{\"a\":1}{\"b\":2}{\"c\":33}{\"d\":4}", c.bytes.toString(StandardCharsets.UTF_8));
            assertEquals(List.of("next", "next", "complete"), c.signals, "perRequest " + perRequest);
        }
    }

    @Test
    void subscribe_manySmallParts_joinedIntoBuffersNoLargerThanTheChunk() {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            parts.add(b(String.format("%029d\n", i)));
        }
        List<ByteBuffer> seen = buffers(new PartsBodyPublisher(parts, 100));
        assertEquals(34, seen.size(), "three 30-byte parts per 100-byte chunk, the last alone");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuffer buf : seen) {
            assertTrue(buf.remaining() <= 100, "buffer of " + buf.remaining());
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            all.writeBytes(out);
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        parts.forEach(expected::writeBytes);
        assertEquals(expected.toString(StandardCharsets.UTF_8), all.toString(StandardCharsets.UTF_8));
    }

    @Test
    void subscribe_partAsLargeAsAChunk_goesOutAloneAsAReadOnlyView_andNoPartsCompletesAtOnce() {
        byte[] large = new byte[200];
        List<ByteBuffer> seen = buffers(new PartsBodyPublisher(List.of(b("0123456789"), large, b("abc"), b("de")), 100));
        assertEquals(List.of(10, 200, 5), seen.stream().map(ByteBuffer::remaining).toList());
        assertTrue(seen.get(1).isReadOnly());
        assertTrue(seen.get(0).isReadOnly(), "a part that cannot join the next is not copied either");
        Collector none = new Collector(1);
        new PartsBodyPublisher(List.of()).subscribe(none);
        assertEquals(List.of("complete"), none.signals);
    }

    @Test
    void request_zero_isAnErrorAndStopsTheStream() {
        Collector c = new Collector(0);
        new PartsBodyPublisher(List.of(b("a"))).subscribe(c);
        assertEquals(1, c.signals.size());
        assertTrue(c.signals.get(0).startsWith("error"), c.signals.toString());
    }
}
