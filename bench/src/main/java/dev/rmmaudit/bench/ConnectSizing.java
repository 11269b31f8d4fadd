package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.kafka.connect.DebeziumRecords;
import dev.rmmaudit.kafka.connect.SecurityEvents;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Sizing for the Kafka Connect path: the transform's events per second in one task (one thread, as Connect runs a
 * task's transforms), against Connect's JsonConverter turning the same Debezium records into JSON (what a plain
 * Debezium pipeline does with every record anyway), alternated in one run; and the heap the user directory
 * takes per 1,000 users. Arguments: [records per round] [rounds] [users]; defaults 100000 7 100000.
 */
public final class ConnectSizing {
    private ConnectSizing() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        List<SourceRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(edit(i));
        }
        SecurityEvents transform = new SecurityEvents();
        transform.configure(Map.of("server.name", "automate-1"));
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        double[] ours = new double[rounds];
        double[] base = new double[rounds];
        long events = 0;
        for (int r = -2; r < rounds; r++) { // two rounds for the JIT, not counted
            long t0 = System.nanoTime();
            long e = 0;
            for (SourceRecord rec : records) {
                SourceRecord out = transform.apply(rec);
                e += out == null ? 0 : (Integer) out.headers().lastWithName("rmm.events").value();
            }
            long t1 = System.nanoTime();
            long bytes = 0;
            for (SourceRecord rec : records) {
                bytes += json.fromConnectData(rec.topic(), rec.valueSchema(), rec.value()).length;
            }
            long t2 = System.nanoTime();
            if (r >= 0) {
                ours[r] = n / ((t1 - t0) / 1e9);
                base[r] = n / ((t2 - t1) / 1e9);
                events = e;
            }
            if (bytes == 0) {
                throw new IllegalStateException("nothing converted");
            }
        }
        Arrays.sort(ours);
        Arrays.sort(base);
        double perThousand = directoryBytes(users) / (users / 1000.0);
        System.out.printf(Locale.ROOT, "%n| measure (median of %d rounds of %,d user edits) | value |%n| --- | ---: |%n",
                rounds, n);
        System.out.printf(Locale.ROOT, "| transform, changes/s in one task | %,.0f |%n", ours[rounds / 2]);
        System.out.printf(Locale.ROOT, "| transform, events/s in one task (%.2f events per change) | %,.0f |%n",
                events / (double) n, ours[rounds / 2] * events / n);
        System.out.printf(Locale.ROOT, "| Connect's JsonConverter on the same records, records/s | %,.0f |%n",
                base[rounds / 2]);
        System.out.printf(Locale.ROOT, "| transform time / JsonConverter time | %.2f |%n",
                base[rounds / 2] / ours[rounds / 2]);
        System.out.printf(Locale.ROOT, "| user directory, heap per 1,000 users (of %,d) | %,.0f KB |%n", users,
                perThousand / 1024);
    }

    /** An edit of user {@code i}: e-mail and last date changed, the password hash unchanged. */
    private static SourceRecord edit(int i) {
        int id = 1 + i % 1000;
        return DebeziumRecords.update("users", row(id, "tech" + id + "@msp.example", "2026-12-05 09:00:00"),
                row(id, "tech" + id + ".new" + i + "@msp.example", "2026-12-05 09:00:01"), 4L + i * 300L);
    }

    private static Struct row(int id, String email, String lastDate) {
        return DebeziumRecords.user(id, "technician" + id, email, "*0123456789ABCDEF0123456789ABCDEF01234567",
                lastDate).put("ClientID", "7,3,").put("Permissions", "0,").put("Flags", 1);
    }

    /** Heap used by a directory of {@code users} users (two classes each), measured around its filling. */
    private static long directoryBytes(int users) throws InterruptedException {
        long before = usedAfterGc();
        AutomateDirectory d = new AutomateDirectory();
        for (int i = 0; i < users; i++) {
            d.putUser(new AutomateDirectory.User(Integer.toString(100_000 + i), "technician" + i,
                    "technician" + i + "@msp" + (i % 300) + ".example", List.of(Integer.toString(i % 40),
                    Integer.toString(7))));
        }
        long after = usedAfterGc();
        java.lang.ref.Reference.reachabilityFence(d);
        return after - before;
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
