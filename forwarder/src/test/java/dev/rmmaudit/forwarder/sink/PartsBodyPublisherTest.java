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

    @Test
    void subscribe_oneAtATimeOrAllAtOnce_deliversEveryPartInOrderThenCompletesOnce() {
        PartsBodyPublisher p = new PartsBodyPublisher(List.of(b("{\"a\":1}"), b(""), b("{\"b\":2}")));
        assertEquals(14, p.contentLength());
        for (long perRequest : new long[] {1, 2, Long.MAX_VALUE}) {
            Collector c = new Collector(perRequest);
            p.subscribe(c);
            assertEquals("{\"a\":1}{\"b\":2}", c.bytes.toString(StandardCharsets.UTF_8));
            assertEquals(List.of("next", "next", "next", "complete"), c.signals, "perRequest " + perRequest);
        }
    }

    @Test
    void subscribe_buffersAreReadOnlyViewsOfTheParts_andNoPartsCompletesAtOnce() {
        byte[] part = b("xyz");
        List<ByteBuffer> seen = new ArrayList<>();
        new PartsBodyPublisher(List.of(part)).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(5);
            }

            @Override
            public void onNext(ByteBuffer item) {
                seen.add(item);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertTrue(seen.get(0).isReadOnly());
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
