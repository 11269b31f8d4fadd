package dev.rmmaudit.forwarder.source;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Receives row changes from a source, in order, and says when they are safely delivered. */
@FunctionalInterface
public interface ChangeHandler {
    /**
     * Takes one batch; may block while the sinks owe too much (backpressure). The future completes when every
     * sink has delivered the events made from the batch: only then may the source commit its position past it.
     */
    CompletableFuture<Void> handle(List<RowChange> batch) throws InterruptedException;
}
