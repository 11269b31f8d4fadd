package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.source.automate.DebeziumProperties;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * {@link RunDay}'s baseline, in a process of its own: the bare Debezium engine with the forwarder's properties on
 * the same database, a consumer that only counts row changes. Prints {@code COUNT n} every 200 ms; stops when its
 * standard input closes.
 *
 * <p>Arguments: flavor host port user password database serverId stateDir.
 */
public final class BareEngine {
    private BareEngine() {
    }

    public static void main(String[] a) throws Exception {
        AutomateSourceConfig source = new AutomateSourceConfig(a[0], a[1], Integer.parseInt(a[2]), a[3],
                new Secret(a[4]), a[5], Long.parseLong(a[6]), Path.of(a[7]), "disabled", "none", Map.of());
        Properties p = DebeziumProperties.of(source, MappingLoader.load(null).forModule("automate"));
        AtomicLong count = new AtomicLong();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(
                Connect.class)).using(p).notifying((records, committer) -> {
                    for (RecordChangeEvent<SourceRecord> r : records) {
                        if (r.record().value() instanceof org.apache.kafka.connect.data.Struct s
                                && s.schema().field("op") != null) {
                            count.incrementAndGet();
                        }
                        committer.markProcessed(r);
                    }
                    committer.markBatchFinished();
                }).build();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        ex.execute(engine);
        Thread reporter = new Thread(() -> {
            try {
                while (true) {
                    System.out.println("COUNT " + count.get());
                    System.out.flush();
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        reporter.setDaemon(true);
        reporter.start();
        while (System.in.read() >= 0) {
            // until the harness closes our input
        }
        engine.close();
        ex.shutdownNow();
        System.exit(0);
    }

}
