package dev.rmmaudit.forwarder.source;

import java.util.List;

/** Receives row changes from a source, in order, and returns only when they are safely delivered. */
@FunctionalInterface
public interface ChangeHandler {
    /**
     * Handles one batch. When this returns, the source may commit its position past the batch; so it must
     * return only after every sink has delivered the events made from it.
     */
    void handle(List<RowChange> batch) throws InterruptedException;
}
