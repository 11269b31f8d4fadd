package dev.rmmaudit.forwarder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.rule.Alert;
import dev.rmmaudit.forwarder.rule.DerivedFields;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.rule.EventView;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleEngine;
import dev.rmmaudit.forwarder.rule.RuleSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rule tooling for analysts: try rules on a file of events before deploying them. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Work with alert rules.",
        subcommands = {RulesCommand.Test.class, RulesCommand.ListRules.class, RulesCommand.Export.class})
final class RulesCommand {
    private RulesCommand() {
    }

    /** Loads the built-in rules plus a folder, with a configuration's overrides when given. */
    static List<Rule> load(Path rulesDir, Path config, Problems problems) {
        RulesConfig rc = RulesConfig.DEFAULT;
        if (config != null) {
            rc = ForwarderConfig.load(config, Env.system()).rules();
        }
        if (rulesDir != null) {
            rc = new RulesConfig(rc.enabled(), rulesDir, rc.disabled(), rc.overrides(), rc.workingHours(),
                    rc.maxGroups());
        }
        return RuleSet.load(rc, problems);
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Run the rules over events in a file (ECS JSON lines, such as the forwarder's json output "
                    + "or samples/rules/*.jsonl) and print which events fire which rules.",
                "Correlation windows run on the events' own @timestamp, exactly as in the forwarder."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:done (alerts or not)", "1:the events file cannot be read",
                "2:a rule, the configuration or an event line is invalid"},
            footerHeading = "%nExamples:%n",
            footer = {"  forwarder rules test --events samples/rules/password_spraying.attack.jsonl",
                "  forwarder rules test --rules my-rules/ --config forwarder.yml --events events.jsonl"})
    static final class Test implements Callable<Integer> {
        @Option(names = "--rules", paramLabel = "DIR", description = "rule files to add to (or replace in) the "
                + "built-in pack")
        Path rules;

        @Option(names = "--config", paramLabel = "FILE", description = "take disabled rules, overrides and working "
                + "hours from this configuration")
        Path config;

        @Option(names = "--events", required = true, paramLabel = "FILE.jsonl", description = "events, one ECS "
                + "JSON object per line")
        Path events;

        @Override
        public Integer call() {
            Problems problems = new Problems();
            List<Rule> loaded;
            RulesConfig rc;
            try {
                loaded = load(rules, config, problems);
                rc = config == null ? RulesConfig.DEFAULT : ForwarderConfig.load(config, Env.system()).rules();
            } catch (ConfigException e) {
                e.problems().forEach(p -> System.err.println("  " + p));
                return ExitCodes.INVALID;
            }
            if (!problems.isEmpty()) {
                problems.messages().forEach(p -> System.err.println("  " + p));
                return ExitCodes.INVALID;
            }
            Detector detector = new Detector(new RuleEngine(loaded, Clock.systemUTC(), rc.maxGroups()),
                    new DerivedFields(rc.workingHours(), null));
            ObjectMapper json = new ObjectMapper();
            Map<String, Integer> perRule = new TreeMap<>();
            int lineNo = 0;
            int count = 0;
            try (BufferedReader in = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    EventView e;
                    try {
                        e = EventView.of(json.readTree(line));
                    } catch (JsonProcessingException ex) {
                        System.err.println(events + ":" + lineNo + ": not a JSON object: " + ex.getOriginalMessage());
                        return ExitCodes.INVALID;
                    }
                    count++;
                    for (Alert a : detector.evaluate(e)) {
                        perRule.merge(a.rule().title(), 1, Integer::sum);
                        System.out.printf("%s:%d  %s  %s  fires %s \"%s\" (%s)%s%n", events.getFileName(), lineNo,
                                a.time(), String.valueOf(e.first("event.action")),
                                a.rule().name() != null ? a.rule().name() : a.rule().id(), a.rule().title(),
                                a.rule().level(), a.group().isEmpty() ? "" : " group " + a.group()
                                        + ", " + a.eventIds().size() + " events");
                    }
                }
            } catch (IOException ex) {
                System.err.println("cannot read " + events + ": " + ex.getMessage());
                return ExitCodes.FAILED;
            }
            System.out.println();
            System.out.println(count + " events, " + loaded.size() + " rules, "
                    + perRule.values().stream().mapToInt(Integer::intValue).sum() + " alerts");
            perRule.forEach((rule, n) -> System.out.printf("  %4d  %s%n", n, rule));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rules that would run.")
    static final class ListRules implements Callable<Integer> {
        @Option(names = "--rules", paramLabel = "DIR", description = "rule files to add to the built-in pack")
        Path rules;

        @Option(names = "--config", paramLabel = "FILE", description = "apply this configuration's rules section")
        Path config;

        @Override
        public Integer call() {
            Problems problems = new Problems();
            List<Rule> loaded = loadOrSay(rules, config, problems);
            if (loaded == null) {
                return ExitCodes.INVALID;
            }
            for (Rule r : loaded) {
                System.out.printf("%-13s %-32s %s  [%s]%n", r.level(), r.name() != null ? r.name() : r.id(),
                        r.title(), r.summary());
            }
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.INVALID;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the alert rules as the SIEM's own detections: Splunk saved searches, Sentinel"
                    + " analytics rules (ARM, over RmmAudit_CL and over CommonSecurityLog), Elasticsearch/OpenSearch"
                    + " searches, or the Sigma files with a pySigma pipeline. Rules a target cannot express are"
                    + " listed with the reason.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "2:the rules or options are invalid, or the files cannot be written"},
            footerHeading = "%nExamples:%n",
            footer = {"  forwarder rules export --target splunk --out detections",
                "  forwarder rules export --target sentinel --rules my-rules --out detections"})
    static final class Export implements Callable<Integer> {
        @Option(names = "--target", required = true, paramLabel = "TARGET",
                description = "splunk, sentinel, elastic or sigma")
        String target;

        @Option(names = "--rules", paramLabel = "DIR", description = "rule files to add to the built-in pack")
        Path rules;

        @Option(names = "--config", paramLabel = "FILE", description = "apply this configuration's rules section")
        Path config;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "detections",
                description = "where to write (a folder per target; default: ${DEFAULT-VALUE})")
        Path out;

        @Override
        public Integer call() {
            if (!dev.rmmaudit.forwarder.export.RuleExport.TARGETS.contains(target)) {
                System.err.println("--target must be one of " + dev.rmmaudit.forwarder.export.RuleExport.TARGETS
                        + ", not " + target);
                return ExitCodes.INVALID;
            }
            Problems problems = new Problems();
            List<Rule> loaded = loadOrSay(rules, config, problems);
            if (loaded == null || !problems.isEmpty()) {
                return ExitCodes.INVALID;
            }
            try {
                var result = new dev.rmmaudit.forwarder.export.RuleExport(loaded).write(target, out);
                result.files().forEach(f -> System.out.println("wrote " + f));
                result.skipped().forEach(s -> System.out.println("left out " + (s.rule().name() != null
                        ? s.rule().name() : s.rule().id()) + ": " + s.why()));
                return ExitCodes.OK;
            } catch (java.io.IOException e) {
                System.err.println("cannot write " + out + ": " + e.getMessage());
                return ExitCodes.INVALID;
            }
        }
    }

    /** The rules, with every problem printed; null when the configuration is invalid. */
    private static List<Rule> loadOrSay(Path rules, Path config, Problems problems) {
        try {
            List<Rule> loaded = load(rules, config, problems);
            problems.messages().forEach(p -> System.err.println("  " + p));
            return loaded;
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("  " + p));
            return null;
        }
    }
}
