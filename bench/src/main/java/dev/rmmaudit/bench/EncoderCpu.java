package dev.rmmaudit.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.encode.CefEncoder;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.rule.DerivedFields;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleEngine;
import dev.rmmaudit.forwarder.rule.RuleSet;
import dev.rmmaudit.forwarder.source.RowChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * CPU time per event of the two encoders and of the rules' view, on JMH's event mix, and per change of the
 * mapping, on {@link MappingBench}'s changes: the thread's own CPU time
 * around each pass of 20,000 events, the lowest and the median of 40 passes after 20 warm-up passes. On a shared machine whose
 * other tenants steal time (JMH's throughput moved by ±30 % between runs here), CPU time of the thread itself
 * moves by a few per cent, so a change of ~10 % can be seen. Run:
 * {@code java -cp bench/target/benchmarks.jar dev.rmmaudit.bench.EncoderCpu}.
 */
public final class EncoderCpu {
    private static final int N = 20_000;

    private EncoderCpu() {
    }

    @FunctionalInterface
    private interface Pass {
        void run() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        List<SecurityEvent> events = Workload.events(N);
        CefEncoder cef = new CefEncoder("bench");
        EcsJsonEncoder ecs = new EcsJsonEncoder();
        JsonFactory json = new com.fasterxml.jackson.databind.ObjectMapper().getFactory();
        StringBuilder line = new StringBuilder(2048);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        System.out.println("| stage | CPU ns per event, lowest pass | median pass |");
        System.out.println("| --- | ---: | ---: |");
        row("CEF line into a reused builder (as the syslog sink)", () -> {
            for (SecurityEvent e : events) {
                line.setLength(0);
                cef.encode(e, line);
            }
        });
        row("ECS document through a JSON generator (as the HEC sink)", () -> {
            for (SecurityEvent e : events) {
                bytes.reset();
                try (JsonGenerator g = json.createGenerator(bytes)) {
                    ecs.write(e, g);
                }
            }
        });
        Problems problems = new Problems();
        List<Rule> rules = RuleSet.load(RulesConfig.DEFAULT, problems);
        problems.throwIfAny();
        Detector detector = new Detector(new RuleEngine(rules, Clock.systemUTC(), 10_000),
                new DerivedFields(RulesConfig.WorkingHours.DEFAULT, null));
        EcsJsonEncoder.WantedFields fields = new EcsJsonEncoder.WantedFields(detector.fields());
        long[] sink = new long[1];
        row("the rules' view of the fields they read (as the rules thread)", () -> {
            for (SecurityEvent e : events) {
                sink[0] += ecs.flat(e, fields).size();
            }
        });
        EventMapper mapper = MappingBench.newMapper();
        List<RowChange> changes = MappingBench.usersUpdates(N);
        row("mapping a change UPDATE users SET Email to its event (as the engine's handler thread)", () -> {
            for (RowChange c : changes) {
                sink[0] += mapper.map("automate", c).size();
            }
        });
    }

    private static void row(String stage, Pass pass) throws IOException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] measured = new long[40];
        for (int i = -20; i < measured.length; i++) {
            long start = cpu.getCurrentThreadCpuTime();
            pass.run();
            if (i >= 0) {
                measured[i] = cpu.getCurrentThreadCpuTime() - start;
            }
        }
        Arrays.sort(measured);
        System.out.printf("| %s | %,.0f | %,.0f |%n", stage, measured[0] / (double) N,
                measured[measured.length / 2] / (double) N);
    }
}
