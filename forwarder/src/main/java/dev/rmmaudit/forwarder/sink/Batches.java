package dev.rmmaudit.forwarder.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies from encoded items: batches bounded by count and bytes (an item larger than the limit goes
 * alone), and the framing around the items of one body.
 */
public final class Batches {
    private Batches() {
    }

    /** What to do with one batch: its items and their bytes, in order. */
    @FunctionalInterface
    public interface BatchAction<T> {
        void accept(List<T> items, List<byte[]> bytes) throws InterruptedException;
    }

    /**
     * Encodes {@code things} one at a time and hands each batch to {@code action} as soon as it is cut: a batch
     * ends before the item that would take it past {@code maxItems} or {@code maxBytes}. Only the bytes of one
     * batch at a time are held, not those of everything given.
     */
    public static <T> void encodeInBatches(List<T> things, java.util.function.Function<T, byte[]> encoder,
            int maxItems, int maxBytes, BatchAction<T> action) throws InterruptedException {
        List<T> items = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        long size = 0;
        for (T t : things) {
            byte[] b = encoder.apply(t);
            if (!items.isEmpty() && (items.size() >= maxItems || size + b.length > maxBytes)) {
                action.accept(items, bytes);
                items = new ArrayList<>();
                bytes = new ArrayList<>();
                size = 0;
            }
            items.add(t);
            bytes.add(b);
            size += b.length;
        }
        if (!items.isEmpty()) {
            action.accept(items, bytes);
        }
    }

    /**
     * The items as the parts of one body, not joined: {@code open} first (when not null), {@code separator}
     * between items, {@code close} last (when not null). {@code [a,b]} is {@code framed(items, "[", ",", "]")}; NDJSON
     * is {@code framed(items, null, "\n", "\n")}. The small arrays are shared, not copied.
     */
    public static List<byte[]> framed(List<byte[]> items, byte[] open, byte[] separator, byte[] close) {
        List<byte[]> out = new ArrayList<>(items.size() * 2 + 2);
        if (open != null) {
            out.add(open);
        }
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.add(separator);
            }
            out.add(items.get(i));
        }
        if (close != null && (open != null || !items.isEmpty())) {
            out.add(close);
        }
        return out;
    }

    /** The items joined, each followed by {@code separator} when it is not null. */
    public static byte[] join(List<byte[]> items, byte[] separator) {
        int n = 0;
        for (byte[] b : items) {
            n += b.length + (separator == null ? 0 : separator.length);
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] b : items) {
            System.arraycopy(b, 0, out, pos, b.length);
            pos += b.length;
            if (separator != null) {
                System.arraycopy(separator, 0, out, pos, separator.length);
                pos += separator.length;
            }
        }
        return out;
    }
}
