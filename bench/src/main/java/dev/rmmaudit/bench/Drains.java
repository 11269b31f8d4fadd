package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.LocalServer;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;

/**
 * One side of {@link PairedDrains}: drains the benchmark's binlog again and again through one path of
 * {@link EndToEnd} and prints one tab-separated line per timed drain ({@code DRAIN kind events/s reader-us total-us}).
 * It calls EndToEnd by name only, so that it also runs against an older build of the benchmark put first on the
 * class path.
 *
 * <p>Arguments: {@code kind} (raw, map, rules, syslog, hec, both), changes, untimed drains, timed drains.
 */
public final class Drains {
    static final String PREFIX = "DRAIN";
    static final java.util.List<String> KINDS = java.util.List.of("raw", "map", "rules", "syslog", "hec", "both");
    /** EndToEnd's contestants in its order: both sinks, counting sink with rules off and on, syslog, HEC. */
    private static final java.util.List<String> CONTESTANT_KINDS = java.util.List.of("both", "map", "rules",
            "syslog", "hec");

    private Drains() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // as EndToEnd: the stand-in receiver's ACK stall
        if (args.length != 4 || !KINDS.contains(args[0])) {
            System.err.println("usage: Drains <" + String.join("|", KINDS) + "> <changes> <untimed> <timed>");
            System.exit(2);
        }
        String kind = args[0];
        int n = Integer.parseInt(args[1]);
        int untimed = Integer.parseInt(args[2]);
        int timed = Integer.parseInt(args[3]);
        java.nio.file.Path binary = LocalServer.findServerBinary().orElseThrow(() -> new IllegalStateException(
                "needs a local mariadbd or mysqld (Debian: apt-get install mariadb-server)"));
        try (LocalServer db = LocalServer.start(binary)) {
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            Method backlog = EndToEnd.class.getDeclaredMethod("writeBacklog", LocalServer.class, int.class);
            backlog.setAccessible(true);
            backlog.invoke(null, db, n);
            long serverId = 9500;
            for (int i = 0; i < untimed + timed; i++) {
                EndToEnd.Drain d = drain(kind, db, password, n, serverId++);
                if (i >= untimed) {
                    Map<String, Double> cpu = d.cpu();
                    System.out.printf(Locale.ROOT, "%s\t%s\t%.0f\t%.2f\t%.2f%n", PREFIX, kind, d.rate(),
                            cpu.getOrDefault(ThreadCpu.GROUPS.get(0), Double.NaN),
                            cpu.getOrDefault("total", Double.NaN));
                }
            }
        }
        System.exit(0); // the engine's and the receivers' threads must not keep the JVM up
    }

    /** The bare engine, or EndToEnd's contestant of that kind (its numbering: {@code EndToEnd.CONTESTANTS}). */
    private static EndToEnd.Drain drain(String kind, LocalServer db, String password, int n, long serverId)
            throws Exception {
        if (kind.equals("raw")) {
            return EndToEnd.raw(db, password, n);
        }
        Method contestant = EndToEnd.class.getDeclaredMethod("contestant", int.class, LocalServer.class,
                String.class, int.class, int.class, long.class);
        contestant.setAccessible(true);
        return (EndToEnd.Drain) contestant.invoke(null, CONTESTANT_KINDS.indexOf(kind), db, password, n, 1000,
                serverId);
    }
}
