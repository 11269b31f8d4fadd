package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mapping may read a column of any type a customer's schema has: over a real binlog, through both Debezium
 * connectors, a value of every MySQL type reaches the event as the text MySQL would show, and a row of NULLs or
 * of extreme values neither stops the forwarder nor loses the row.
 */
class ColumnTypesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COLUMNS = List.of("e", "s", "b1", "b12", "num", "ubig", "dbl", "yr", "tm",
            "dt", "d", "ts", "js", "bin", "txt", "geo");

    @TempDir
    static Path dir;
    /** One forwarder per connector (each on a database of its own), every test run against each. */
    static final List<ForwarderFixture> FIXTURES = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path mappings = dir.resolve("mappings");
        Files.createDirectories(mappings.resolve("automate"));
        StringBuilder attributes = new StringBuilder();
        for (String c : COLUMNS) {
            attributes.append("    t.").append(c).append(": \"{").append(c).append("}\"\n");
        }
        Files.writeString(mappings.resolve("automate/gadgets.yml"), """
                table: gadgets
                key: id
                fields:
                  attributes:
                %s
                events:
                  - action: gadget-created
                    when: created
                    category: configuration
                    type: [creation]
                    message: "gadget {id}: {txt}"
                """.formatted(attributes.toString().stripTrailing()));
        // the MariaDB connector reads MariaDB only; the MySQL connector reads both
        boolean mariaDb = dev.rmmaudit.forwarder.testing.TestDatabases.shared().flavor().equals("mariadb");
        for (String flavor : mariaDb ? List.of("mariadb", "mysql") : List.of("mysql")) {
            ForwarderFixture f = ForwarderFixture.prepare(dir.resolve(flavor)).mappings(mappings).flavor(flavor);
            FIXTURES.add(f);
            f.sql("""
                CREATE TABLE gadgets (
                  id INT AUTO_INCREMENT PRIMARY KEY,
                  e ENUM('red', 'green'), s SET('a', 'b', 'c'), b1 BIT(1), b12 BIT(12),
                  num DECIMAL(30, 10), ubig BIGINT UNSIGNED, dbl DOUBLE, yr YEAR, tm TIME(3),
                  dt DATETIME(6), d DATE, ts TIMESTAMP NULL, js JSON, bin VARBINARY(16),
                  txt TEXT CHARACTER SET utf8mb4, geo GEOMETRY)
                """);
            f.startForwarder();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ForwarderFixture f : FIXTURES) {
            f.close();
        }
    }

    private static JsonNode details(Cef e) throws Exception {
        return JSON.readTree(e.get("cs5"));
    }

    @Test
    void insert_valueOfEveryType_reachesTheEventAsText() throws Exception {
        for (ForwarderFixture f : FIXTURES) {
            valueOfEveryType(f);
        }
    }

    private static void valueOfEveryType(ForwarderFixture f) throws Exception {
        List<Cef> e = f.expect(1, """
                INSERT INTO gadgets (e, s, b1, b12, num, ubig, dbl, yr, tm, dt, d, ts, js, bin, txt, geo) VALUES
                ('green', 'a,c', b'1', b'101000000001', -12345678901234567890.0123456789, 18446744073709551615,
                 -1.5e300, 2026, '-838:59:59.000', '2026-11-22 10:11:12.123456', '1000-01-01',
                 '2026-11-22 10:11:12', '{"k": [1, "x\\\\"y"]}', x'00ff10', 'caf\u00e9 \uD83D\uDE00 a=b|c\\\\d',
                 ST_GeomFromText('POINT(1 2)'))
                """);
        JsonNode d = details(e.get(0));
        assertEquals("green", d.path("t.e").asText());
        assertEquals("a,c", d.path("t.s").asText());
        assertEquals("true", d.path("t.b1").asText());
        assertEquals("2561", d.path("t.b12").asText(), "the number, not the connector's bytes lowest first");
        assertEquals("-12345678901234567890.0123456789", d.path("t.num").asText());
        assertEquals("18446744073709551615", d.path("t.ubig").asText());
        assertEquals("-1.5E300", d.path("t.dbl").asText());
        assertEquals("2026", d.path("t.yr").asText());
        assertEquals("-838:59:59", d.path("t.tm").asText(), "an interval, not wrapped into a day");
        assertEquals("2026-11-22T10:11:12.123456", d.path("t.dt").asText());
        assertEquals("1000-01-01", d.path("t.d").asText());
        assertEquals("2026-11-22T10:11:12Z", d.path("t.ts").asText());
        // MariaDB keeps JSON as its text, MySQL 8 as a binary form the connector writes out again: same value
        assertEquals(JSON.readTree("{\"k\": [1, \"x\\\"y\"]}"), JSON.readTree(d.path("t.js").asText()));
        assertEquals("00ff10", d.path("t.bin").asText());
        assertEquals("caf\u00e9 \uD83D\uDE00 a=b|c\\d", d.path("t.txt").asText());
        // the point (1 2) as WKB; MariaDB gives no SRID, MySQL 8 may give its 0
        assertTrue(d.path("t.geo").asText().matches(
                "\\{wkb=0101000000000000000000f03f0000000000000040, srid=(null|0)}"), d.path("t.geo").asText());
        assertTrue(e.get(0).get("msg").matches("gadget \\d+: caf\u00e9 \uD83D\uDE00 a=b\\|c\\\\d"), e.get(0).get("msg"));
    }

    @Test
    void insert_nullsZeroDatesAndLongestTime_areForwardedAndTheNextRowToo() throws Exception {
        for (ForwarderFixture f : FIXTURES) {
            nullsZeroDatesAndLongestTime(f);
        }
    }

    private static void nullsZeroDatesAndLongestTime(ForwarderFixture f) throws Exception {
        f.sql("SET SESSION sql_mode = ''");
        List<Cef> e = f.expect(3,
                "INSERT INTO gadgets (txt) VALUES ('nulls')",
                "INSERT INTO gadgets (txt, dt, d, tm) VALUES ('zeros', '0000-00-00 00:00:00', '0000-00-00', '838:59:59')",
                "INSERT INTO gadgets (txt, b12) VALUES ('after', b'0')");
        JsonNode nulls = details(e.get(0));
        for (String c : COLUMNS) {
            if (!c.equals("txt")) {
                assertTrue(nulls.path("t." + c).isMissingNode(), c + " is NULL: no attribute, " + nulls);
            }
        }
        JsonNode zeros = details(e.get(1));
        assertEquals("838:59:59", zeros.path("t.tm").asText());
        assertTrue(zeros.path("t.dt").isMissingNode() && zeros.path("t.d").isMissingNode(),
                "a zero date is no date (the connector gives null): " + zeros);
        assertEquals("0", details(e.get(2)).path("t.b12").asText());
    }
}
