package dev.rmmaudit.forwarder.sink.syslog;

/**
 * The framed messages of one batch, UTF-8 encoded one after another into one array that the sink reuses:
 * a stream transport writes it at once, a datagram transport frame by frame. Encoding here, from the text
 * builder straight into the array, replaces four copies per message (the string, its bytes, the cut, the
 * framed copy) that the profile showed as the syslog sink's largest allocation.
 *
 * <p>Encoded as {@link String#getBytes} with UTF-8 does: a lone surrogate becomes {@code ?}.
 */
final class Frames {
    /** Above this the array is dropped after the batch, so one batch of huge events does not stay resident. */
    private static final int KEEP_BYTES = 1 << 20;

    private byte[] bytes = new byte[16 * 1024];
    private int[] ends = new int[64];
    private int count;
    private int size;

    void clear() {
        if (bytes.length > KEEP_BYTES) {
            bytes = new byte[16 * 1024];
        }
        count = 0;
        size = 0;
    }

    int count() {
        return count;
    }

    /** The bytes of every frame, from 0 to {@link #size()}. */
    byte[] bytes() {
        return bytes;
    }

    int size() {
        return size;
    }

    int start(int frame) {
        return frame == 0 ? 0 : ends[frame - 1];
    }

    int end(int frame) {
        return ends[frame];
    }

    /**
     * Adds {@code message} as one frame: cut to {@code maxBytes} of UTF-8 on a character boundary, then
     * prefixed with its length and a space ({@code octet}), followed by a newline ({@code newline}), or as it is
     * ({@code none}, one datagram each).
     *
     * @return whether the message was cut
     */
    boolean add(CharSequence message, int maxBytes, Framing framing) {
        int n = message.length();
        if (n <= maxBytes && addAscii(message, n, framing)) {
            return false;
        }
        int length = 0;
        int cut = n;
        for (int i = 0; i < n; i++) {
            char c = message.charAt(i);
            int w = width(c, i + 1 < n ? message.charAt(i + 1) : 0);
            if (length + w > maxBytes) {
                cut = i;
                break;
            }
            length += w;
            if (w == 4) {
                i++;
            }
        }
        ensure(size + 12 + length);
        if (framing == Framing.OCTET) {
            size = writeDigits(length, size);
            bytes[size++] = ' ';
        }
        endFrame(encode(message, cut, size), framing);
        return cut < n;
    }

    /**
     * The common case in one pass: a message of ASCII characters only (CEF escapes its own controls), whose
     * length in bytes is its length in characters. Adds nothing and returns false at the first other character,
     * for {@link #add} to measure and encode it the general way.
     */
    private boolean addAscii(CharSequence message, int n, Framing framing) {
        ensure(size + 12 + n);
        byte[] b = bytes;
        int at = size;
        if (framing == Framing.OCTET) {
            at = writeDigits(n, at);
            b[at++] = ' ';
        }
        for (int i = 0; i < n; i++) {
            char c = message.charAt(i);
            if (c >= 0x80) {
                return false; // what was written past size is written over
            }
            b[at++] = (byte) c;
        }
        endFrame(at, framing);
        return true;
    }

    /** Ends the frame whose message was written up to {@code at}: its newline, if framed so, and its end. */
    private void endFrame(int at, Framing framing) {
        if (framing == Framing.NEWLINE) {
            bytes[at++] = '\n';
        }
        size = at;
        if (count == ends.length) {
            ends = java.util.Arrays.copyOf(ends, count * 2);
        }
        ends[count++] = size;
    }

    /** How frames are told apart on the wire. */
    enum Framing {
        /** RFC 6587 / 5425 octet counting: {@code LENGTH SP MSG}. */
        OCTET,
        /** One message per line. */
        NEWLINE,
        /** No framing: one message per datagram. */
        NONE
    }

    private static int width(char c, char next) {
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
            return 4;
        }
        return Character.isSurrogate(c) ? 1 : 3;
    }

    private int encode(CharSequence s, int end, int at) {
        byte[] b = bytes;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[at++] = (byte) (0xF0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[at++] = '?';
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return at;
    }

    private int writeDigits(int value, int at) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }
}
