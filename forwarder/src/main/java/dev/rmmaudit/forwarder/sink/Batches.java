package dev.rmmaudit.forwarder.sink;

import java.util.ArrayList;
import java.util.List;

/** Cuts encoded items into request batches bounded by count and bytes; an item larger than the limit goes alone. */
public final class Batches {
    private Batches() {
    }

    public static List<List<byte[]>> split(List<byte[]> items, int maxItems, int maxBytes) {
        List<List<byte[]>> out = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        long bytes = 0;
        for (byte[] item : items) {
            if (!current.isEmpty() && (current.size() >= maxItems || bytes + item.length > maxBytes)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(item);
            bytes += item.length;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** The same cut applied to parallel lists: {@code items} and what each item stands for. */
    public static <T> List<List<T>> splitLike(List<T> things, List<byte[]> encoded, int maxItems, int maxBytes) {
        List<List<T>> out = new ArrayList<>();
        int i = 0;
        for (List<byte[]> batch : split(encoded, maxItems, maxBytes)) {
            out.add(new ArrayList<>(things.subList(i, i + batch.size())));
            i += batch.size();
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
