package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source → mapping → sinks. A batch of row changes becomes events, and the call returns only when every
 * sink has delivered them, so the source commits its position only past delivered events. A row the
 * mapping cannot handle goes to the dead-letter file and is counted; it never stops the stream.
 */
public final class Pipeline implements ChangeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final String module;
    private final EventMapper mapper;
    private final List<Sink> sinks;
    private final DeadLetterFile deadLetters;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    public Pipeline(String module, EventMapper mapper, List<Sink> sinks, DeadLetterFile deadLetters) {
        this.module = module;
        this.mapper = mapper;
        this.sinks = List.copyOf(sinks);
        this.deadLetters = deadLetters;
    }

    @Override
    public void handle(List<RowChange> batch) throws InterruptedException {
        List<SecurityEvent> out = new ArrayList<>();
        for (RowChange change : batch) {
            try {
                out.addAll(mapper.map(module, change));
            } catch (RuntimeException e) {
                LOG.warn("row {} of {} could not be mapped ({}); written to {}", change.position(), change.table(),
                        e.toString(), deadLetters.path());
                deadLetters.write(module, change, e);
            }
        }
        rows.addAndGet(batch.size());
        if (out.isEmpty()) {
            return;
        }
        for (Sink sink : sinks) {
            sink.deliver(out);
        }
        events.addAndGet(out.size());
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
