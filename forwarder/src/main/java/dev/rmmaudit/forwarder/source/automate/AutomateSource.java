package dev.rmmaudit.forwarder.source.automate;

import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the Automate database's binlog with the Debezium embedded engine (MySQL or MariaDB connector),
 * reading only the mapped tables. A batch's offsets are marked processed only after every sink delivered it,
 * in binlog order: a restart resumes at the first row not yet delivered.
 */
public final class AutomateSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutomateSource.class);

    private final AutomateSourceConfig config;
    private final List<TableMapping> tables;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private ExecutorService executor;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    /** Batches handed to the pipeline and not yet committed, in binlog order (bounded: backpressure). */
    private final BlockingQueue<PendingCommit> commits = new ArrayBlockingQueue<>(256);
    private Thread committer;
    private volatile String committedPosition;
    /** True on a first start (no offsets yet) until a resume point is committed. */
    private volatile boolean needsResumePoint;
    private volatile PendingCommit current;
    private volatile boolean closing;

    /**
     * A batch handed to the pipeline: the last record of it, if any (its offset covers the whole batch; keeping every
     * record until delivery kept thousands of change records alive through every young collection while a slow
     * sink caught up), the batch's committer and the delivery future.
     */
    private record PendingCommit(RecordChangeEvent<SourceRecord> last,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer, CompletableFuture<Void> delivered) {
    }

    public AutomateSource(AutomateSourceConfig config, List<TableMapping> tables) {
        this.config = config;
        this.tables = realTables(tables);
    }

    /** The mappings of the database's own tables: without those whose rows the forwarder makes itself. */
    public static List<TableMapping> realTables(List<TableMapping> mappings) {
        return mappings.stream().filter(m -> !m.madeByForwarder()).toList();
    }

    /**
     * The binlog position committed last ({@code file:pos}, after delivery), and how many seconds old the oldest
     * change read but not yet delivered everywhere is (0 when nothing is owed): for the heartbeat.
     */
    public java.util.Map<String, String> status(java.time.Instant now) {
        java.util.Map<String, String> s = new java.util.LinkedHashMap<>();
        s.put("position", committedPosition == null ? "" : committedPosition);
        PendingCommit head = current != null ? current : commits.peek();
        long lag = 0;
        if (head != null && head.last() != null && head.last().record().sourceOffset() != null
                && head.last().record().sourceOffset().get("ts_sec") instanceof Number ts) {
            lag = Math.max(0, now.getEpochSecond() - ts.longValue());
        }
        s.put("lag_seconds", Long.toString(lag));
        return s;
    }

    /** Starts following the binlog on a thread of its own; changes go to {@code handler} in order. */
    public void start(ChangeHandler handler) {
        try {
            Files.createDirectories(config.stateDir());
            int removed = AccountSafeSchemaHistory.clean(DebeziumProperties.historyFile(config));
            if (removed > 0) {
                LOG.info("removed {} account statements (passwords or their hashes) an older version kept in {}",
                        removed, DebeziumProperties.historyFile(config));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create state directory " + config.stateDir() + ": " + e, e);
        }
        java.util.Map<String, java.util.Set<String>> secrets = new java.util.HashMap<>();
        for (TableMapping t : tables) {
            secrets.put(t.table().toLowerCase(java.util.Locale.ROOT), t.secrets()); // a ColumnSet: any case
        }
        RecordConverter converter = new RecordConverter(config.host() + ":" + config.port(), secrets);
        needsResumePoint = !hasOffsets();
        java.util.Properties properties = DebeziumProperties.of(config, tables);
        logCapturedColumns(properties);
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using(io.debezium.engine.spi.OffsetCommitPolicy.always())
                .using((success, message, error) -> {
                    if (success || error == null) {
                        completion.complete(null);
                    } else if (BinlogGapException.isGap(error)) {
                        completion.completeExceptionally(new BinlogGapException(config, redact(
                                BinlogGapException.serverMessage(error)), error));
                    } else {
                        completion.completeExceptionally(new SourceException(redact(message), error));
                    }
                })
                .notifying((records, committer) -> {
                    // The schema snapshot of a first start (schema changes are on, for account statements) is
                    // neither delivered nor committed: its offsets say "snapshot", and a restart from one of them
                    // would take a new snapshot and skip what was not yet delivered.
                    List<RecordChangeEvent<SourceRecord>> binlog = records.stream().filter(r -> !isSnapshot(r))
                            .toList();
                    if (binlog.isEmpty()) {
                        return;
                    }
                    List<RowChange> batch = new ArrayList<>(binlog.size());
                    for (RecordChangeEvent<SourceRecord> r : binlog) {
                        RowChange change = converter.convert(r.record());
                        if (change != null) {
                            batch.add(change);
                        }
                    }
                    if (needsResumePoint) {
                        commitResumePoint(binlog.get(0), committer);
                    }
                    CompletableFuture<Void> delivered = batch.isEmpty() ? CompletableFuture.completedFuture(null)
                            : handler.handle(batch);
                    commits.put(new PendingCommit(binlog.get(binlog.size() - 1), committer, delivered));
                })
                .build();
        committer = new Thread(this::commitInOrder, "automate-commit");
        committer.setDaemon(true);
        committer.start();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "automate-binlog");
            t.setDaemon(true);
            return t;
        });
        executor.execute(engine);
        LOG.info("following the {} binlog of {}:{} database {} (tables {}), state in {}", config.flavor(),
                config.host(), config.port(), config.database(),
                tables.stream().map(TableMapping::table).toList(), config.stateDir());
    }

    /** Says which columns are read from each table: an operator (or an auditor) should not have to guess. */
    private void logCapturedColumns(java.util.Properties properties) {
        String ours = DebeziumProperties.columnIncludeList(config.database(), tables);
        if (ours == null || !ours.equals(properties.getProperty("column.include.list"))) {
            LOG.info("capturing every column of the mapped tables (column list set under debezium:, or a column "
                    + "name holds a comma)");
            return;
        }
        for (TableMapping t : tables) {
            if (t.capturesAllColumns()) {
                LOG.info("table {}: capturing every column ({} compares whole rows; secret ones are masked at once)",
                        t.table(), t.source());
            } else {
                LOG.info("table {}: capturing columns {} (where the table has them); the others are neither "
                        + "converted nor kept", t.table(), String.join(", ", t.capturedColumns()));
            }
        }
    }

    /**
     * Forgets the stored binlog position and schema history, so the next start snapshots the schema again and
     * follows the binlog from the current position. The files are moved to {@code before-resnapshot-<time>}
     * under the state directory, not deleted. Returns that directory, or null when there was nothing to move.
     */
    public static java.nio.file.Path resetPosition(AutomateSourceConfig config) throws IOException {
        java.nio.file.Path state = config.stateDir();
        List<java.nio.file.Path> files = new ArrayList<>();
        for (String name : List.of("offsets.dat", "schema-history.dat")) {
            if (Files.exists(state.resolve(name))) {
                files.add(state.resolve(name));
            }
        }
        if (files.isEmpty()) {
            return null;
        }
        java.nio.file.Path aside = state.resolve("before-resnapshot-" + java.time.Instant.now().toString()
                .replace(":", "").replace(".", ""));
        Files.createDirectories(aside);
        for (java.nio.file.Path f : files) {
            Files.move(f, aside.resolve(f.getFileName()));
        }
        return aside;
    }

    private boolean hasOffsets() {
        java.nio.file.Path f = config.stateDir().resolve("offsets.dat");
        try {
            return Files.exists(f) && Files.size(f) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * On a first start nothing is committed until a batch is delivered everywhere; were the forwarder stopped
     * before that, the next start would begin from "now" and skip what it had read. So before anything is
     * delivered, commit a resume point at the start of the first transaction received: its offset with
     * nothing marked as done (events and rows to skip set to 0). At-least-once: never a gap.
     */
    /** Whether a record comes from the schema snapshot, not from the binlog. */
    static boolean isSnapshot(RecordChangeEvent<SourceRecord> r) {
        Object s = r.record().sourceOffset() == null ? null : r.record().sourceOffset().get("snapshot");
        return s != null && !"false".equalsIgnoreCase(s.toString());
    }

    private void commitResumePoint(RecordChangeEvent<SourceRecord> first,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        DebeziumEngine.Offsets offsets = committer.buildOffsets();
        for (java.util.Map.Entry<String, ?> e : first.record().sourceOffset().entrySet()) {
            Object v = e.getValue();
            if (e.getKey().equals("row") || e.getKey().equals("event")) {
                v = v instanceof Long ? (Object) 0L : (Object) 0;
            }
            offsets.set(e.getKey(), v);
        }
        committer.markProcessed(first, offsets);
        committer.markBatchFinished();
        needsResumePoint = false;
        LOG.info("first start: resume point committed at {}:{}", first.record().sourceOffset().get("file"),
                first.record().sourceOffset().get("pos"));
    }

    /**
     * Marks batches processed strictly in binlog order, each once every sink delivered it. Debezium's
     * committer only records offsets (its writer is synchronized) and commits them on markBatchFinished, so
     * this one thread may do it after the engine's handler returned.
     */
    private void commitInOrder() {
        while (true) {
            PendingCommit p;
            try {
                p = commits.take();
                current = p;
                p.delivered().get();
                // Offsets only move forward within a batch, and the engine keeps the last one marked.
                if (p.last() != null) {
                    p.committer().markProcessed(p.last());
                }
                p.committer().markBatchFinished();
                if (p.last() != null && p.last().record().sourceOffset() != null) {
                    java.util.Map<String, ?> o = p.last().record().sourceOffset();
                    committedPosition = o.get("file") + ":" + o.get("pos");
                }
                current = null;
            } catch (InterruptedException e) {
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!closing) {
                    LOG.error("a batch could not be delivered ({}); stopping without committing it",
                            redact(String.valueOf(e.getCause())));
                    completion.completeExceptionally(new SourceException("delivery failed: " + e.getCause(),
                            e.getCause()));
                }
                return;
            } catch (RuntimeException e) {
                LOG.error("committing offsets failed: {}", redact(e.toString()));
                completion.completeExceptionally(new SourceException(redact(e.toString()), e));
                return;
            }
        }
    }

    /**
     * Waits up to {@code timeout} until every delivered batch is committed: the committer is either idle or
     * waiting on a batch that is not delivered yet.
     */
    private void awaitCommitted(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            PendingCommit now = current;
            PendingCommit next = commits.peek();
            boolean busy = now != null ? now.delivered().isDone() : next != null && next.delivered().isDone();
            if (!busy) {
                return;
            }
            Thread.sleep(10);
        }
    }

    /** Completes when the engine stops: normally after {@link #close()}, exceptionally on a fatal error. */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    /**
     * Waits until the binlog reader is connected, so that every change committed from now on will be seen.
     *
     * @return false when the engine failed or the time ran out first
     */
    public boolean awaitStreaming(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!completion.isDone()) {
            if (isStreaming()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(25);
        }
        return false;
    }

    /** Whether the binlog reader is connected now (Debezium's streaming metrics say so). */
    public boolean isStreaming() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("debezium.*:type=connector-metrics,"
                    + "context=streaming,server=" + DebeziumProperties.TOPIC_PREFIX + ",*"), null)) {
                if (Boolean.TRUE.equals(server.getAttribute(name, "Connected"))) {
                    return true;
                }
            }
        } catch (javax.management.JMException e) {
            // the metrics bean comes and goes while the connector starts
        }
        return false;
    }

    /**
     * Commits what was delivered, then stops the engine (which flushes those offsets). Batches not yet
     * delivered stay uncommitted and are read again after a restart.
     */
    @Override
    public void close() {
        closing = true;
        try {
            awaitCommitted(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Threads.stop(committer, Duration.ofSeconds(5));
        if (engine != null) {
            try {
                engine.close();
            } catch (IllegalStateException e) {
                LOG.debug("the binlog reader had already stopped: {}", e.getMessage());
            } catch (IOException e) {
                LOG.warn("stopping the binlog reader: {}", redact(e.toString()));
            }
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("the binlog reader did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code text} with the database password, should a library have put it there, replaced by ****. */
    String redact(String text) {
        String secret = config.password().reveal();
        if (text == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, "****");
    }

    /** The binlog reader stopped with an error. */
    public static class SourceException extends RuntimeException {
        SourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
