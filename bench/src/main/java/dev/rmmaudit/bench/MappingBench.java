package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.source.ColumnMap;
import dev.rmmaudit.forwarder.source.RowChange;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The mapping stage on its own: row images of the end-to-end benchmark's change ({@code UPDATE users SET Email}
 * on the sample schema's 23 columns) into security events, with the bundled mappings. Its rate per change is
 * comparable with the encoders' and the rules' rates per event in {@link PipelineStagesBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MappingBench {
    static final int N = 6_000;

    private List<RowChange> changes;
    private EventMapper mapper;

    @Setup(Level.Trial)
    public void setUp() {
        mapper = newMapper();
        changes = usersUpdates(N);
    }

    /** A mapper with the bundled mappings and a directory of two classes, as the sample has. */
    static EventMapper newMapper() {
        AutomateDirectory directory = new AutomateDirectory();
        directory.putClass(new AutomateDirectory.UserClass("1", "Admins", 2147483647L));
        directory.putClass(new AutomateDirectory.UserClass("2", "Technicians", 62));
        return new EventMapper(MappingLoader.load(null), directory);
    }

    /** {@code n} changes {@code UPDATE users SET Email} over six users, rows sharing their columns as the source's do. */
    static List<RowChange> usersUpdates(int n) {
        List<RowChange> out = new ArrayList<>(n);
        ColumnMap.Columns columns = ColumnMap.Columns.of(List.copyOf(users(1, "").keySet())); // shared, as the source does
        for (int i = 0; i < n; i++) {
            int id = 1 + i % 6;
            LinkedHashMap<String, Object> before = users(id, "b" + i + "@bench");
            LinkedHashMap<String, Object> after = users(id, "b" + (i + 6) + "@bench");
            out.add(new RowChange(RowChange.Op.UPDATE, "bench", "labtech", "users", ColumnMap.of(columns, before.values().toArray()),
                    ColumnMap.of(columns, after.values().toArray()), Instant.ofEpochSecond(1_700_000_000L + i), "binlog.000001:" + i + ":0"));
        }
        return out;
    }

    /** One row image of the sample schema's users table, in its column order. */
    private static LinkedHashMap<String, Object> users(int id, String email) {
        LinkedHashMap<String, Object> r = new LinkedHashMap<>();
        r.put("UserID", id);
        r.put("ClientID", id % 2 == 0 ? "1,2," : "");
        r.put("Name", "tech" + id);
        r.put("Password", "[secret]");
        r.put("Email", email);
        r.put("Permissions", 1L << id);
        for (String c : new String[] {"Flags", "TicketLevel", "OpenTickets", "NewTickets"}) {
            r.put(c, 0);
        }
        r.put("Secondary", "");
        r.put("MapiProfile", "");
        for (String c : new String[] {"CommandLevel", "Manager", "LoginReport", "LogoutReport", "AuditLevel",
                "TicketRouter", "RegionID", "GroupSecurity", "FolderID", "ImageID"}) {
            r.put(c, 0);
        }
        r.put("Last_Date", LocalDateTime.of(2026, 11, 21, 12, 0));
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void mapUsersUpdate(Blackhole bh) {
        for (RowChange c : changes) {
            bh.consume(mapper.map("automate", c));
        }
    }
}
