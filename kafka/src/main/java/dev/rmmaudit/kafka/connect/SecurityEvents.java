package dev.rmmaudit.kafka.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.encode.CefEncoder;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.source.automate.DirectoryLoader;
import dev.rmmaudit.forwarder.source.automate.RecordConverter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect transform for Debezium's MySQL and MariaDB source connectors on an Automate database: each
 * change record becomes the security events the forwarder's mappings make of it, with the same user directory
 * (loaded over JDBC when the task starts, so again after every rebalance, and kept current from the stream).
 *
 * <p>Connect turns one record into at most one, and one change can make several events (an edit that changes
 * a user's class and e-mail), so the new record carries them all: a JSON array of ECS documents (or, with
 * {@code format=cef}, CEF lines separated by newlines), on topic {@code topic}, keyed by {@code server.name}
 * so that one server's events stay in order in one partition. The rules application splits the arrays into
 * one event per record for SIEM sink connectors (docs/kafka.md). A change of a table without mapping, or that
 * makes no event, is dropped. A record the mappings cannot handle goes to {@code dead.letter.topic}: what it
 * was (topic, position) and why, never its row, which can hold a password hash.
 */
public final class SecurityEvents implements Transformation<SourceRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The module the Automate mappings belong to. */
    static final String MODULE = "automate";
    static final String REASON_HEADER = "rmm.error.reason";
    static final String EVENTS_HEADER = "rmm.events";

    static final ConfigDef CONFIG = new ConfigDef()
            .define("topic", ConfigDef.Type.STRING, "rmm-audit.changes", ConfigDef.Importance.HIGH,
                    "Topic of the records with the security events")
            .define("dead.letter.topic", ConfigDef.Type.STRING, "rmm-audit.dead-letter", ConfigDef.Importance.HIGH,
                    "Topic of the records the mappings could not handle (their position and the reason)")
            .define("format", ConfigDef.Type.STRING, "ecs", ConfigDef.ValidString.in("ecs", "cef"),
                    ConfigDef.Importance.MEDIUM, "ecs: a JSON array of ECS documents; cef: CEF lines")
            .define("server.name", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                    "This Automate server's name: the records' key and the events' observer")
            .define("mappings.dir", ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW,
                    "A directory of mapping files replacing the shipped ones")
            .define("database.hostname", ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH,
                    "The Automate database, for the user directory (empty: no directory)")
            .define("database.port", ConfigDef.Type.INT, 3306, ConfigDef.Range.between(1, 65535),
                    ConfigDef.Importance.MEDIUM, "Its port")
            .define("database.user", ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM, "A user that may read it")
            .define("database.password", ConfigDef.Type.PASSWORD, "", ConfigDef.Importance.MEDIUM, "Its password")
            .define("database.name", ConfigDef.Type.STRING, "labtech", ConfigDef.Importance.MEDIUM,
                    "The Automate database name")
            .define("database.ssl.mode", ConfigDef.Type.STRING, "preferred",
                    ConfigDef.ValidString.in("disabled", "preferred", "required", "verify_ca", "verify_identity"),
                    ConfigDef.Importance.MEDIUM, "TLS to the database for the directory");

    private String topic;
    private String deadLetterTopic;
    private String server;
    private boolean cef;
    private EventMapper mapper;
    private RecordConverter converter;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();
    private final CefEncoder cefEncoder = new CefEncoder("0");

    @Override
    public void configure(Map<String, ?> props) {
        AbstractConfig c = new AbstractConfig(CONFIG, props);
        topic = c.getString("topic");
        deadLetterTopic = c.getString("dead.letter.topic");
        server = c.getString("server.name");
        cef = c.getString("format").equals("cef");
        String dir = c.getString("mappings.dir");
        Mappings mappings;
        try {
            mappings = MappingLoader.load(dir.isBlank() ? null : Path.of(dir));
        } catch (RuntimeException e) {
            throw new ConfigException("mappings.dir", dir, e.getMessage());
        }
        AutomateDirectory directory = new AutomateDirectory();
        mapper = new EventMapper(mappings, directory);
        Map<String, Set<String>> secrets = new HashMap<>();
        for (TableMapping t : mappings.forModule(MODULE)) {
            secrets.put(t.table().toLowerCase(Locale.ROOT), t.secrets());
        }
        converter = new RecordConverter(server, secrets);
        String host = c.getString("database.hostname");
        if (!host.isBlank()) {
            Password password = c.getPassword("database.password");
            try (DirectoryLoader loader = new DirectoryLoader(host, c.getInt("database.port"),
                    c.getString("database.user"), new Secret(password == null ? "" : password.value()),
                    c.getString("database.name"), c.getString("database.ssl.mode"))) {
                loader.load(mappings, directory).forEach(w -> LOG.warn("{}", w));
            } catch (SQLException e) {
                // the message names host and cause, never the password
                throw new ConfigException("cannot load the user directory from " + host + ": " + e.getMessage());
            }
            LOG.info("user directory of {} loaded from {}", server, host);
        }
    }

    @Override
    public SourceRecord apply(SourceRecord record) {
        RowChange change;
        List<SecurityEvent> events;
        try {
            change = converter.convert(record);
            if (change == null) {
                return null;
            }
            events = mapper.map(MODULE, change);
        } catch (RuntimeException e) {
            return deadLetter(record, e);
        }
        if (events.isEmpty()) {
            return null;
        }
        String value;
        if (cef) {
            StringBuilder b = new StringBuilder();
            for (SecurityEvent e : events) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                cefEncoder.encode(e, b);
            }
            value = b.toString();
        } else {
            ArrayNode array = JSON.createArrayNode();
            for (SecurityEvent e : events) {
                array.add(ecs.toEcs(e));
            }
            value = array.toString();
        }
        ConnectHeaders headers = new ConnectHeaders();
        headers.addInt(EVENTS_HEADER, events.size());
        return record.newRecord(topic, null, Schema.STRING_SCHEMA, server, Schema.STRING_SCHEMA, value,
                record.timestamp(), headers);
    }

    /** The record's place and the reason, as JSON; not the row (a password hash can be in it). */
    private SourceRecord deadLetter(SourceRecord record, RuntimeException e) {
        String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("a change on {} could not be mapped and goes to {}: {}", record.topic(), deadLetterTopic, reason);
        ObjectNode what = JSON.createObjectNode();
        what.put("server", server);
        what.put("topic", record.topic());
        what.put("reason", reason);
        what.set("sourceOffset", JSON.valueToTree(record.sourceOffset()));
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(REASON_HEADER, reason);
        return record.newRecord(deadLetterTopic, null, Schema.STRING_SCHEMA, server, Schema.STRING_SCHEMA,
                what.toString(), record.timestamp(), headers);
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {
        mapper = null;
    }
}
