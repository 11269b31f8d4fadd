package dev.rmmaudit.forwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {
    /** What the list means: split at commas, trimmed, blanks and repeats dropped, in order. */
    private static List<String> reference(String t) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : t.split(",")) {
            if (!part.trim().isEmpty()) {
                out.add(part.trim());
            }
        }
        return new ArrayList<>(out);
    }

    @Test
    void list_commaSeparatedIds_inOrderWithoutBlanksOrRepeats() {
        assertEquals(List.of("7", "3"), Values.list("7,3,"));
        assertEquals(List.of("1", "2"), Values.list(" 1 ,, 2 ,1,"));
        assertEquals(List.of(), Values.list(""));
        assertEquals(List.of(), Values.list(",,"));
        assertEquals(List.of(), Values.list(null));
        assertEquals(List.of("42"), Values.list(42));
        Random random = new Random(5);
        String alphabet = "12,, a";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertEquals(reference(s.toString()), Values.list(s.toString()), "'" + s + "'");
        }
    }
}
