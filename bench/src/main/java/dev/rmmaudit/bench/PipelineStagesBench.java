package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.encode.CefEncoder;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.rule.DerivedFields;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.rule.EventView;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleEngine;
import dev.rmmaudit.forwarder.rule.RuleSet;
import java.time.Clock;
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
 * Events per second through each stage after mapping, on the same event mix in one run: the encoders, the
 * ECS view the rules read (their baseline: work the detector must do before any rule runs), and the whole
 * built-in rule pack. Compare the rows as ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineStagesBench {
    static final int N = 20_000;

    private List<SecurityEvent> events;
    private Detector detector;
    private final CefEncoder cef = new CefEncoder("bench");
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();
    private dev.rmmaudit.forwarder.chain.Chain chain;

    @Setup(Level.Iteration)
    public void setUp() {
        events = Workload.events(N);
        try {
            java.nio.file.Path state = java.nio.file.Files.createTempDirectory("bench-chain");
            chain = dev.rmmaudit.forwarder.chain.Chain.open(dev.rmmaudit.forwarder.chain.ChainKey.load(state), "bench",
                    state);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Problems problems = new Problems();
        List<Rule> rules = RuleSet.load(RulesConfig.DEFAULT, problems);
        problems.throwIfAny();
        detector = new Detector(new RuleEngine(rules, Clock.systemUTC(), 10_000),
                new DerivedFields(RulesConfig.WorkingHours.DEFAULT, null));
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void encodeCef(Blackhole bh) {
        for (SecurityEvent e : events) {
            bh.consume(cef.encode(e));
        }
    }

    /** Sealing each event in a sink's chain (canonical form and HMAC-SHA-256): beside the encoders it precedes. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void sealChain(Blackhole bh) {
        for (SecurityEvent e : events) {
            bh.consume(chain.seal(e));
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void encodeEcsJson(Blackhole bh) {
        for (SecurityEvent e : events) {
            bh.consume(ecs.encode(e));
        }
    }

    /** The baseline for the rules: the flattened ECS view the detector builds, of the fields rules read. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void rulesBaselineEcsView(Blackhole bh) {
        java.util.Set<String> fields = detector.fields();
        EcsJsonEncoder.WantedFields wanted = new EcsJsonEncoder.WantedFields(fields);
        for (SecurityEvent e : events) {
            bh.consume(EventView.of(ecs.flat(e, wanted), fields, () -> ecs.flat(e), e.time()));
        }
    }

    /** The same view of every field an event has (as the detector built it before it knew what rules read). */
    @Benchmark
    @OperationsPerInvocation(N)
    public void rulesEcsViewOfEveryField(Blackhole bh) {
        for (SecurityEvent e : events) {
            bh.consume(EventView.of(ecs.flat(e), e.time()));
        }
    }

    /** The whole built-in pack with derived fields, the view included. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void rulesWholePack(Blackhole bh) {
        for (SecurityEvent e : events) {
            bh.consume(detector.detect(e));
        }
    }
}
