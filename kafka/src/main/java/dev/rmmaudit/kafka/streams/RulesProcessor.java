package dev.rmmaudit.kafka.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.rule.Alert;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.rule.EventView;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleEngine;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the forwarder's rules over one partition of the change records (key: the Automate server; value: a
 * JSON array of ECS events, as the Connect transform writes them): each event goes on to the events topic
 * alone, each alert it raises to the alerts topic.
 *
 * <p>What a correlation has seen lives in the state store {@value #STORE}: every event of the last two
 * correlation windows, per server, in time order. The rule engines are in memory only and are rebuilt from the
 * store (alerts discarded) the first time a server's event arrives after the task started: after a restart or a
 * rebalance, the store is what was committed with the last output, so under exactly-once processing an alert is
 * neither lost nor sent twice. An event the connector sends again after its own restart (same id, same time) is
 * found in the store and passed over, so it is neither forwarded nor counted twice.
 */
final class RulesProcessor implements Processor<String, String, String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(RulesProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STORE = "rmm-audit-recent-events";
    static final String EVENTS = "events";
    static final String ALERTS = "alerts";
    private static final char SEP = '\u0000';

    private final List<Rule> rules;
    private final int maxGroups;
    /** How long an event is kept for rebuilding: twice the longest correlation window (counted as at least an hour). */
    private final Duration keep;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, String> recent;
    /** Per server, its engine and the newest event time seen; built on first use in this task. */
    private final Map<String, Engine> engines = new HashMap<>();

    private static final class Engine {
        final RuleEngine rules;
        Instant newest = Instant.EPOCH;

        Engine(RuleEngine rules) {
            this.rules = rules;
        }
    }

    RulesProcessor(List<Rule> rules, int maxGroups) {
        this.rules = rules;
        this.maxGroups = maxGroups;
        Duration longest = Duration.ofHours(1);
        for (Rule r : rules) {
            if (r.isCorrelation() && r.correlation().timespan().compareTo(longest) > 0) {
                longest = r.correlation().timespan();
            }
        }
        this.keep = longest.multipliedBy(2);
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.recent = context.getStateStore(STORE);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> forget());
    }

    @Override
    public void process(Record<String, String> change) {
        String server = change.key() == null ? "" : change.key();
        JsonNode events;
        try {
            events = JSON.readTree(change.value());
        } catch (IOException | RuntimeException e) {
            LOG.warn("a record of {} is not a JSON array of events (is the transform's format ecs?); skipped: {}",
                    server, e.getMessage());
            return;
        }
        if (events == null || !events.isArray()) {
            LOG.warn("a record of {} is not a JSON array of events; skipped", server);
            return;
        }
        Engine engine = engine(server);
        for (JsonNode event : events) {
            String text = event.toString();
            EventView view = EventView.of(event);
            Instant time = view.time() == null ? Instant.ofEpochMilli(change.timestamp()) : view.time();
            if (time.isAfter(engine.newest)) {
                engine.newest = time;
            }
            String id = view.id() == null ? "" : view.id();
            String key = storeKey(server, time, id);
            if (!id.isEmpty() && recent.get(key) != null) {
                continue; // sent again by the connector after a restart (at-least-once): seen, and counted, once
            }
            recent.put(key, text);
            context.forward(new Record<>(id, text, change.timestamp()), EVENTS);
            for (Alert a : engine.rules.evaluate(view)) {
                var alert = Detector.toEvent(a);
                context.forward(new Record<>(alert.id(), ecs.encode(alert), change.timestamp()), ALERTS);
            }
        }
    }

    /** The server's engine, rebuilt from the store the first time this task needs it. */
    private Engine engine(String server) {
        Engine e = engines.get(server);
        if (e != null) {
            return e;
        }
        e = new Engine(new RuleEngine(rules, Clock.systemUTC(), maxGroups));
        int replayed = 0;
        try (KeyValueIterator<String, String> it = recent.prefixScan(server + SEP, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                try {
                    EventView view = EventView.of(JSON.readTree(kv.value));
                    e.rules.evaluate(view); // what it raised was sent before
                    if (view.time() != null && view.time().isAfter(e.newest)) {
                        e.newest = view.time();
                    }
                    replayed++;
                } catch (IOException ex) {
                    LOG.warn("an unreadable event in the store of {}: {}", server, ex.getMessage());
                }
            }
        }
        if (replayed > 0) {
            LOG.info("rules of {} rebuilt from {} recent events", server, replayed);
        }
        engines.put(server, e);
        return e;
    }

    /** Drops the events older than {@link #keep} before each server's newest. */
    private void forget() {
        for (Map.Entry<String, Engine> s : engines.entrySet()) {
            String prefix = s.getKey() + SEP;
            String until = storeKey(s.getKey(), s.getValue().newest.minus(keep), "");
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, String> it = recent.range(prefix, until)) {
                while (it.hasNext()) {
                    old.add(it.next().key);
                }
            }
            old.forEach(recent::delete);
        }
    }

    /** Server, time (sortable) and event id: a server's events in time order. */
    static String storeKey(String server, Instant time, String id) {
        return server + SEP + String.format(Locale.ROOT, "%019d", Math.max(0, time.toEpochMilli())) + SEP + id;
    }
}
