package dev.rmmaudit.forwarder.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Splunk's .conf parser accepts: comments, blank lines, [stanza] headers, and key = value lines under one. */
final class SplunkConf {
    private SplunkConf() {
    }

    static void assertValid(String conf) {
        boolean inStanza = false;
        java.util.Set<String> stanzas = new java.util.HashSet<>();
        int n = 0;
        for (String line : conf.split("\n", -1)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                assertTrue(line.endsWith("]") && line.indexOf(']') == line.length() - 1, "line " + n + ": " + line);
                assertTrue(stanzas.add(line), "stanza twice: " + line);
                inStanza = true;
                continue;
            }
            assertTrue(inStanza, "line " + n + " outside a stanza: " + line);
            assertTrue(line.matches("[A-Za-z0-9_.:-]+ = .*"), "line " + n + " is not key = value: " + line);
            assertTrue(!line.endsWith("\\"), "line " + n + " continues onto the next: " + line);
        }
    }
}
