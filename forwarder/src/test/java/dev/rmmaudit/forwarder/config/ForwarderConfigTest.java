package dev.rmmaudit.forwarder.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwarderConfigTest {
    private static final String MINIMAL = """
            source:
              type: automate
              flavor: mariadb          # mysql | mariadb
              host: 127.0.0.1
              port: 3306
              user: forwarder
              password: ${FORWARDER_DB_PASSWORD}
              database: labtech
              serverId: 5401
              stateDir: ./state        # offsets and schema history
            sinks:
              - name: siem
                type: syslog
                protocol: tcp          # udp | tcp | tls
                host: 127.0.0.1
                port: 6514
                framing: octet-counting   # octet-counting | newline (tcp/tls only)
                format: cef            # cef | json
            """;

    @TempDir
    Path dir;

    private ForwarderConfig load(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("forwarder.yml");
        Files.writeString(f, yaml);
        return ForwarderConfig.load(f, Env.of(env));
    }

    @Test
    void load_issueMinimalConfig_works() throws Exception {
        ForwarderConfig c = load(MINIMAL, Map.of("FORWARDER_DB_PASSWORD", "s3cret"));
        assertEquals("mariadb", c.source().flavor());
        assertEquals("s3cret", c.source().password().reveal());
        assertEquals(dir.resolve("state"), c.source().stateDir());
        SyslogSinkConfig s = (SyslogSinkConfig) c.sinks().get(0);
        assertEquals("tcp", s.protocol());
        assertEquals("octet-counting", s.framing());
        assertEquals("cef", s.format());
        assertTrue(s.tls().verify(), "TLS verification is on by default");
    }

    @Test
    void load_debeziumProperties_passedAsText() throws Exception {
        ForwarderConfig c = load(MINIMAL.replace("  stateDir: ./state        # offsets and schema history\n",
                "  stateDir: ./state\n  debezium: {poll.interval.ms: 200, max.queue.size: \"4096\"}\n"),
                Map.of("FORWARDER_DB_PASSWORD", "s3cret"));
        assertEquals(Map.of("poll.interval.ms", "200", "max.queue.size", "4096"), c.source().debezium());
    }

    @Test
    void load_diskBuffer_takesDefaultsUnderStateDir() throws Exception {
        ForwarderConfig c = load(MINIMAL + "    buffer: {type: disk, maxBytes: 2GB, whenFull: drop_newest}\n",
                Map.of("FORWARDER_DB_PASSWORD", "x"));
        BufferConfig b = c.buffer("siem");
        assertTrue(b.isDisk());
        assertEquals(2L << 30, b.maxBytes());
        assertTrue(b.dropsNewest());
        assertTrue(b.fsync(), "fsync is on by default");
        assertEquals(dir.resolve("state").resolve("buffer").resolve("siem"), b.dir());
        assertFalse(load(MINIMAL, Map.of("FORWARDER_DB_PASSWORD", "x")).buffer("siem").isDisk(), "memory by default");
    }

    @Test
    void load_badBuffer_namesKeyAndWhatIsAllowed() {
        String bad = MINIMAL + "    buffer: {type: tape, maxBytes: 3 lots, whenFull: panic, fsync: maybe}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> load(bad, Map.of("FORWARDER_DB_PASSWORD", "x")));
        String m = e.getMessage();
        assertTrue(m.contains("sinks[0].buffer.type: must be one of memory | disk, not 'tape'"), m);
        assertTrue(m.contains("sinks[0].buffer.maxBytes: must be a size such as 500MB, 2GB or a number of bytes, not '3 lots'"), m);
        assertTrue(m.contains("sinks[0].buffer.whenFull: must be one of block | drop_newest, not 'panic'"), m);
        assertTrue(m.contains("sinks[0].buffer.fsync: must be true or false, not 'maybe'"), m);
        String memoryDrop = MINIMAL + "    buffer: {whenFull: drop_newest, maxBytes: 1KB}\n";
        m = assertThrows(ConfigException.class, () -> load(memoryDrop, Map.of("FORWARDER_DB_PASSWORD", "x"))).getMessage();
        assertTrue(m.contains("sinks[0].buffer.whenFull: drop_newest applies to a disk buffer only"), m);
        assertTrue(m.contains("sinks[0].buffer.maxBytes: applies to a disk buffer only (add type: disk)"), m);
    }

    @Test
    void load_bothSources_readsEach() throws Exception {
        String yaml = MINIMAL.replace("source:\n  type: automate", "sources:\n  - type: screenconnect\n"
                + "    appData: ./App_Data\n    pollInterval: 2s\n  - type: automate").replaceAll("(?m)^  (flavor|host|port"
                + "|user|password|database|serverId|stateDir):", "    $1:");
        ForwarderConfig c = load(yaml, Map.of("FORWARDER_DB_PASSWORD", "x"));
        assertEquals("labtech", c.source().database());
        assertEquals(dir.resolve("App_Data").resolve("Session.db"), c.screenConnect().sessionDb());
        assertEquals(dir.resolve("App_Data").resolve("User.xml"), c.screenConnect().userFile());
        assertEquals(java.time.Duration.ofSeconds(2), c.screenConnect().pollInterval());
        assertEquals("end", c.screenConnect().startAt(), "from now on by default");
        assertEquals(dir.resolve("App_Data").resolve("Security.db"), c.screenConnect().securityDb());
        assertEquals(dir.resolve("web.config"), c.screenConnect().webConfig(), "beside App_Data");
        assertEquals(java.time.Duration.ofDays(1), c.inventory().interval(), "the inventory is daily by default");
    }

    @Test
    void load_zeroIntervalAndWindow_turnTheInventoryAndTheDeletionCheckOff() throws Exception {
        String yaml = MINIMAL.replace("source:\n  type: automate", "inventory: {interval: 0, approvedSuperAdmins:"
                + " [Root]}\nsources:\n  - type: screenconnect\n    appData: ./App_Data\n    deletionWindow: 0\n"
                + "  - type: automate").replaceAll("(?m)^  (flavor|host|port|user|password|database|serverId"
                + "|stateDir):", "    $1:");
        ForwarderConfig c = load(yaml, Map.of("FORWARDER_DB_PASSWORD", "x"));
        assertFalse(c.inventory().enabled());
        assertTrue(c.inventory().approvedSuperAdmins().contains("root"), "names match without case");
        assertEquals(java.time.Duration.ZERO, c.screenConnect().deletionWindow());
    }

    @Test
    void load_badScreenConnectSource_namesKeyAndWhatIsAllowed() {
        String yaml = "source:\n  type: screenconnect\n  startAt: yesterday\n  pollInterval: often\n"
                + "sinks:\n  - {type: stdout}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, Map.of()));
        String m = e.getMessage();
        assertTrue(m.contains("forwarder.yml:2 source: missing required key 'appData'"), m);
        assertTrue(m.contains("source.startAt: must be one of end | beginning, not 'yesterday'"), m);
        assertTrue(m.contains("source.pollInterval: must be a duration"), m);
        String unknown = "source:\n  type: oracle\nsinks:\n  - {type: stdout}\n";
        m = assertThrows(ConfigException.class, () -> load(unknown, Map.of())).getMessage();
        assertTrue(m.contains("source.type: must be one of automate | screenconnect | logfile, not 'oracle'"), m);
    }

    @Test
    void load_secret_neverPrintsItself() throws Exception {
        ForwarderConfig c = load(MINIMAL, Map.of("FORWARDER_DB_PASSWORD", "s3cret"));
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertFalse(c.source().toString().contains("s3cret"));
    }

    @Test
    void load_envDefault_isUsedWhenUnset() throws Exception {
        ForwarderConfig c = load(MINIMAL.replace("${FORWARDER_DB_PASSWORD}", "${NOPE:-fallback}"), Map.of());
        assertEquals("fallback", c.source().password().reveal());
    }

    @Test
    void load_missingEnv_namesTheVariableAndTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(MINIMAL, Map.of()));
        assertTrue(e.getMessage().contains("forwarder.yml:7 source.password"), e.getMessage());
        assertTrue(e.getMessage().contains("FORWARDER_DB_PASSWORD is not set"), e.getMessage());
    }

    @Test
    void load_manyMistakes_reportsEveryOneWithFileLineKeyAndAllowed() {
        String bad = MINIMAL.replace("flavor: mariadb", "flavor: oracle")
                .replace("port: 6514", "port: 99999")
                .replace("protocol: tcp ", "protocol: smtp")
                .replace("format: cef", "format: xml")
                .replace("serverId: 5401", "serverId: 5401\n  colour: blue");
        ConfigException e = assertThrows(ConfigException.class, () -> load(bad, Map.of("FORWARDER_DB_PASSWORD", "x")));
        String m = e.getMessage();
        assertTrue(m.contains("forwarder.yml:3 source.flavor: must be one of mysql | mariadb, not 'oracle'"), m);
        assertTrue(m.contains("sinks[0].port: must be a whole number from 1 to 65535, not 99999"), m);
        assertTrue(m.contains("sinks[0].protocol: must be one of udp | tcp | tls, not 'smtp'"), m);
        assertTrue(m.contains("sinks[0].format: must be one of cef | json, not 'xml'"), m);
        assertTrue(m.contains("forwarder.yml:10 source.colour: unknown key; allowed here:"), m);
        assertEquals(5, e.problems().size(), m);
    }

    @Test
    void load_tlsWithNewlineFraming_isRejected() {
        String bad = MINIMAL.replace("protocol: tcp ", "protocol: tls ").replace("framing: octet-counting",
                "framing: newline");
        ConfigException e = assertThrows(ConfigException.class, () -> load(bad, Map.of("FORWARDER_DB_PASSWORD", "x")));
        assertTrue(e.getMessage().contains("must be octet-counting with tls"), e.getMessage());
    }

    @Test
    void load_brokenYaml_givesTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("source:\n  host: [unclosed\n",
                Map.of()));
        assertTrue(e.getMessage().contains("forwarder.yml:"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void load_noSinks_saysWhatIsNeeded() {
        String noSinks = MINIMAL.substring(0, MINIMAL.indexOf("sinks:"));
        ConfigException e = assertThrows(ConfigException.class, () -> load(noSinks, Map.of(
                "FORWARDER_DB_PASSWORD", "x")));
        assertTrue(e.getMessage().contains("at least one sink is needed (types: syslog, stdout, file, splunk_hec, "
                + "elasticsearch, sentinel, http)"),
                e.getMessage());
    }

    @Test
    void load_rulesSection_readsOverridesHoursAndSelect() throws Exception {
        ForwarderConfig c = load(MINIMAL + """
                    select: alerts
                rules:
                  disabled: [login_outside_working_hours]
                  overrides:
                    failed_login_burst_user: {threshold: 10, timespan: 15m}
                  workingHours: {zone: Europe/Berlin, days: [mon, tue, wed, thu, fri], start: "08:00", end: "17:30"}
                """, Map.of("FORWARDER_DB_PASSWORD", "x"));
        assertEquals("alerts", c.select("siem"));
        assertEquals(10L, c.rules().overrides().get("failed_login_burst_user").threshold());
        assertEquals(java.time.Duration.ofMinutes(15), c.rules().overrides().get("failed_login_burst_user").timespan());
        assertEquals(java.time.ZoneId.of("Europe/Berlin"), c.rules().workingHours().zone());
        assertTrue(c.rules().disabled().contains("login_outside_working_hours"));
    }

    @Test
    void load_badRulesSection_reportsEachProblem() {
        String bad = MINIMAL + """
                rules:
                  overrides:
                    x: {}
                  workingHours: {zone: Mars/Olympus, days: [funday], start: "25:99"}
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> load(bad, Map.of("FORWARDER_DB_PASSWORD", "x")));
        String m = e.getMessage();
        assertTrue(m.contains("rules.overrides.x: an override needs threshold and/or timespan"), m);
        assertTrue(m.contains("rules.workingHours.zone: must be a time zone"), m);
        assertTrue(m.contains("'funday' is not a day"), m);
        assertTrue(m.contains("rules.workingHours.start: must be a time of day"), m);
    }

    @Test
    void load_httpSinks_reportMissingSecretsBadUrlsAndCef() {
        String bad = MINIMAL.substring(0, MINIMAL.indexOf("sinks:")) + """
                sinks:
                  - {name: splunk, type: splunk_hec, url: "splunk:8088", format: cef}
                  - {name: az, type: sentinel, endpoint: "https://dce", dcrImmutableId: d, tenantId: t, clientId: c,
                     stream: RmmAudit}
                  - {name: es, type: elasticsearch, url: "https://es", apiKey: k, username: u, batch: {maxEvents: 0}}
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> load(bad, Map.of("FORWARDER_DB_PASSWORD", "x")));
        String m = e.getMessage();
        assertTrue(m.contains("sinks[0].url: must be an http:// or https:// URL, not 'splunk:8088'"), m);
        assertTrue(m.contains("missing 'token' (write token: ${SPLUNK_HEC_TOKEN})"), m);
        assertTrue(m.contains("sinks[0].format: a splunk_hec sink sends ECS JSON"), m);
        assertTrue(m.contains("missing 'clientSecret'"), m);
        assertTrue(m.contains("sinks[1].stream: a custom stream name starts with Custom-"), m);
        assertTrue(m.contains("sinks[2].username: give either apiKey or username/password, not both"), m);
        assertTrue(m.contains("sinks[2].batch.maxEvents: must be a whole number from 1 to 100000, not 0"), m);
    }

    @Test
    void load_hecToken_isASecretThatNeverPrints() throws Exception {
        ForwarderConfig c = load(MINIMAL.substring(0, MINIMAL.indexOf("sinks:"))
                + "sinks:\n  - {name: s, type: splunk_hec, url: 'https://s:8088', token: '${TOK}'}\n",
                Map.of("FORWARDER_DB_PASSWORD", "x", "TOK", "hec-secret-123"));
        assertFalse(c.sinks().get(0).toString().contains("hec-secret-123"), c.sinks().get(0).toString());
    }
}
