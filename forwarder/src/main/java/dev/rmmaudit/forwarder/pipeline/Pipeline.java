package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source → mapping → rules → sinks. A batch of row changes becomes events, and the call returns only when every
 * sink has delivered them, so the source commits its position only past delivered events. A row the
 * mapping cannot handle goes to the dead-letter file and is counted; it never stops the stream.
 */
public final class Pipeline implements ChangeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final String module;
    private final EventMapper mapper;
    private final List<Route> routes;
    private final DeadLetterFile deadLetters;
    private final Detector detector;
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    /** @param detector the alert rules, or null to forward events only */
    public Pipeline(String module, EventMapper mapper, List<Route> routes, DeadLetterFile deadLetters,
            Detector detector) {
        this.module = module;
        this.mapper = mapper;
        this.routes = List.copyOf(routes);
        this.deadLetters = deadLetters;
        this.detector = detector;
    }

    @Override
    public void handle(List<RowChange> batch) throws InterruptedException {
        List<SecurityEvent> out = new ArrayList<>();
        for (RowChange change : batch) {
            try {
                for (SecurityEvent e : mapper.map(module, change)) {
                    out.add(e);
                    if (detector != null) {
                        List<SecurityEvent> raised = detector.detect(e);
                        out.addAll(raised);
                        alerts.addAndGet(raised.size());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("row {} of {} could not be mapped ({}); written to {}", change.position(), change.table(),
                        e.toString(), deadLetters.path());
                deadLetters.write(module, change, e);
            }
        }
        rows.addAndGet(batch.size());
        if (detector != null) {
            detector.flush();
        }
        if (out.isEmpty()) {
            return;
        }
        for (Route r : routes) {
            List<SecurityEvent> selected = r.filter(out);
            if (!selected.isEmpty()) {
                r.sink().deliver(selected);
            }
        }
        events.addAndGet(out.size());
    }

    /** Alerts raised so far (included in {@link #events()}). */
    public long alerts() {
        return alerts.get();
    }

    public long rows() {
        return rows.get();
    }

    public long events() {
        return events.get();
    }

    public long deadLettered() {
        return deadLetters.count();
    }
}
