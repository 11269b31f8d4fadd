package dev.rmmaudit.forwarder.event;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map in the order it was given, held in one array of keys and values: an event's changes and
 * attributes. An event waits in the sink queues while a SIEM is slow, so the collector copies it at every young
 * collection; a {@code LinkedHashMap} behind an unmodifiable view took a table, an entry object per item and
 * the view, this takes one array. Lookups compare keys one by one: an event has a few dozen at most.
 */
final class SmallMap<V> extends AbstractMap<String, V> {
    private static final SmallMap<?> EMPTY = new SmallMap<>(new Object[0]);

    /** Key, value, key, value, ... */
    private final Object[] items;

    private SmallMap(Object[] items) {
        this.items = items;
    }

    /** The same items in the same order; the map given is not kept. */
    @SuppressWarnings("unchecked")
    static <V> Map<String, V> copyOf(Map<String, ? extends V> map) {
        if (map instanceof SmallMap<?> s) {
            return (SmallMap<V>) s;
        }
        if (map.isEmpty()) {
            return (SmallMap<V>) EMPTY;
        }
        Object[] items = new Object[map.size() * 2];
        int i = 0;
        for (Entry<String, ? extends V> e : map.entrySet()) {
            if (i == items.length) {
                throw new java.util.ConcurrentModificationException();
            }
            items[i++] = e.getKey();
            items[i++] = e.getValue();
        }
        if (i != items.length) {
            throw new java.util.ConcurrentModificationException();
        }
        return new SmallMap<>(items);
    }

    private int indexOf(Object key) {
        for (int i = 0; i < items.length; i += 2) {
            if (Objects.equals(items[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return items.length / 2;
    }

    @Override
    public boolean isEmpty() {
        return items.length == 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) items[i + 1];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super String, ? super V> action) {
        for (int i = 0; i < items.length; i += 2) {
            action.accept((String) items[i], (V) items[i + 1]);
        }
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < items.length;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Entry<String, V> next() {
                        if (next >= items.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next;
                        next += 2;
                        return new SimpleImmutableEntry<>((String) items[i], (V) items[i + 1]);
                    }
                };
            }

            @Override
            public int size() {
                return items.length / 2;
            }
        };
    }
}
