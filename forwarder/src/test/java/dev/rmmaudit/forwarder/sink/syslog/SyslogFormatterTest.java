package dev.rmmaudit.forwarder.sink.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.Events;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SyslogFormatterTest {
    /** The header, then the message, as the sink writes them. */
    private static String format(SyslogFormatter f, dev.rmmaudit.forwarder.event.SecurityEvent e, String message) {
        StringBuilder out = new StringBuilder();
        f.header(e, out);
        return out.append(message).toString();
    }

    /** RFC 5424 section 6 header, with the limits the RFC sets per field. */
    private static final Pattern RFC5424 = Pattern.compile("<(\\d{1,3})>1 (\\S+) ([!-~]{1,255}) ([!-~]{1,48}) "
            + "([!-~]{1,128}) ([!-~]{1,32}) (-|\\[.*]) (.*)", Pattern.DOTALL);

    @Test
    void format_rfc5424_headerFieldsWithinLimits() {
        SyslogFormatter f = new SyslogFormatter("5424", 10, "host name with spaces", "rmm-audit", "123");
        Matcher m = RFC5424.matcher(format(f, Events.withValue("x"), "MSG"));
        assertTrue(m.matches());
        assertEquals(10 * 8 + 4, Integer.parseInt(m.group(1)), "authpriv.warning for severity 5");
        assertEquals("2026-11-21T10:15:30.123Z", m.group(2));
        assertEquals("hostnamewithspaces", m.group(3));
        assertEquals("user-renamed", m.group(6));
        assertEquals("MSG", m.group(8));
    }

    @Test
    void format_emptyHostname_isNilValue() {
        SyslogFormatter f = new SyslogFormatter("5424", 4, "", "a", "1");
        assertTrue(format(f, Events.withValue("x"), "m").startsWith("<36>1 2026-11-21T10:15:30.123Z - a 1 "));
    }

    @Test
    void format_rfc3164_hasBsdTimestampAndTag() {
        SyslogFormatter f = new SyslogFormatter("3164", 10, "fwd", "rmm-audit", "1");
        assertEquals("<84>Nov 21 10:15:30 fwd rmmaudit: MSG", format(f, Events.withValue("x"), "MSG"));
    }

    @Test
    void severity_mapsCefScaleToSyslog() {
        assertEquals(2, SyslogFormatter.severity(9));
        assertEquals(3, SyslogFormatter.severity(7));
        assertEquals(4, SyslogFormatter.severity(4));
        assertEquals(5, SyslogFormatter.severity(1));
        assertEquals(6, SyslogFormatter.severity(0));
    }
}
