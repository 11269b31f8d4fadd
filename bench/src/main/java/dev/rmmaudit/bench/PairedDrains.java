package dev.rmmaudit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares two builds of the benchmark (say, before and after a change) on the same path of the forwarder, in
 * turns: build A's drains, then build B's, A's again, and so on, each in a JVM and a throwaway database of its own.
 * On a shared machine one run's rate moves by more than most changes do; alternating puts both builds in the same
 * spells, and the table gives each pair's ratio and in how many pairs B was faster. Figures come from
 * {@link Drains}, which this jar supplies when an older build lacks it.
 *
 * <p>Arguments: {@code jarA jarB [kind] [changes] [alternations] [timed] [untimed]}; kind is one of
 * {@link Drains#KINDS} (raw: the bare engine). The heap is {@code BENCH_HEAP} (default 256m).
 */
public final class PairedDrains {
    /** One build's timed drains of one turn. */
    record Turn(List<Double> rates, List<Double> reader, List<Double> total) {
    }

    private PairedDrains() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PairedDrains <jarA> <jarB> [" + String.join("|", Drains.KINDS)
                    + "] [changes] [alternations] [timed] [untimed]");
            System.exit(2);
        }
        Path a = existing(args[0]);
        Path b = existing(args[1]);
        String kind = args.length > 2 ? args[2] : "raw";
        if (!Drains.KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be one of " + Drains.KINDS + ", not " + kind);
        }
        int changes = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        int alternations = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        int timed = args.length > 5 ? Integer.parseInt(args[5]) : 6;
        int untimed = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        Path self = Path.of(PairedDrains.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String heap = System.getenv().getOrDefault("BENCH_HEAP", "256m");

        List<Turn> as = new ArrayList<>();
        List<Turn> bs = new ArrayList<>();
        for (int i = 1; i <= alternations; i++) {
            System.err.printf("pair %d of %d: A (%s)...%n", i, alternations, a.getFileName());
            as.add(turn(a, self, heap, kind, changes, untimed, timed));
            System.err.printf("pair %d of %d: B (%s)...%n", i, alternations, b.getFileName());
            bs.add(turn(b, self, heap, kind, changes, untimed, timed));
        }
        System.out.print(table(kind, changes, timed, as, bs));
    }

    private static Path existing(String jar) {
        Path p = Path.of(jar);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no such jar: " + jar);
        }
        return p;
    }

    /** Runs {@link Drains} from {@code jar} (this jar after it, for builds without it) and reads its lines. */
    private static Turn turn(Path jar, Path self, String heap, String kind, int changes, int untimed, int timed)
            throws IOException, InterruptedException {
        Path err = Files.createTempFile("paired-drains", ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", jar + java.io.File.pathSeparator + self, Drains.class.getName(), kind,
                Integer.toString(changes), Integer.toString(untimed), Integer.toString(timed))
                .redirectError(err.toFile()).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines().toList();
        int exit = p.waitFor();
        Turn t = parse(lines);
        if (exit != 0 || t.rates().size() != timed) {
            List<String> log = Files.readAllLines(err);
            throw new IllegalStateException(jar + ": exit " + exit + ", " + t.rates().size() + " of " + timed
                    + " drains; its log ends:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 20),
                            log.size())));
        }
        Files.delete(err);
        return t;
    }

    /** The {@code DRAIN} lines of one turn; other lines are ignored. */
    static Turn parse(List<String> lines) {
        List<Double> rates = new ArrayList<>();
        List<Double> reader = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f.length == 5 && f[0].equals(Drains.PREFIX)) {
                rates.add(Double.parseDouble(f[2]));
                reader.add(Double.parseDouble(f[3]));
                total.add(Double.parseDouble(f[4]));
            }
        }
        return new Turn(rates, reader, total);
    }

    /** The Markdown table: each pair's median rates and ratio, then the medians over every drain. */
    static String table(String kind, int changes, int timed, List<Turn> as, List<Turn> bs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n| pair (%s, %,d changes, median of %d drains each) | A events/s "
                + "| B events/s | B / A |%n| --- | ---: | ---: | ---: |%n", kind, changes, timed));
        int faster = 0;
        for (int i = 0; i < as.size(); i++) {
            double ra = EndToEnd.median(as.get(i).rates());
            double rb = EndToEnd.median(bs.get(i).rates());
            faster += rb > ra ? 1 : 0;
            out.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f |%n", i + 1, ra, rb, rb / ra));
        }
        double ra = EndToEnd.median(all(as, Turn::rates));
        double rb = EndToEnd.median(all(bs, Turn::rates));
        out.append(String.format(Locale.ROOT, "| all drains | %,.0f | %,.0f | %.2f |%n", ra, rb, rb / ra));
        out.append(String.format(Locale.ROOT, "%nB faster in %d of %d pairs. CPU µs per change (medians over every "
                + "drain; Linux only): binlog reader A %.1f, B %.1f; all threads A %.1f, B %.1f.%n", faster,
                as.size(), EndToEnd.median(all(as, Turn::reader)), EndToEnd.median(all(bs, Turn::reader)),
                EndToEnd.median(all(as, Turn::total)), EndToEnd.median(all(bs, Turn::total))));
        return out.toString();
    }

    private static List<Double> all(List<Turn> turns, java.util.function.Function<Turn, List<Double>> f) {
        return turns.stream().flatMap(t -> f.apply(t).stream()).toList();
    }
}
