package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.rule.RuleSet;
import dev.rmmaudit.forwarder.config.SinkConfig;
import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks a configuration and the mappings it loads, without touching the network or the database. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file and the mappings it loads; touches no database or network. "
                + "Lists every problem with its file, line, key and what is allowed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the configuration is valid", "2:the configuration is invalid (problems listed)"})
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Override
    public Integer call() {
        ForwarderConfig.Checked checked = ForwarderConfig.check(config, Env.system());
        List<String> problems = new ArrayList<>(checked.problems().messages());
        ForwarderConfig c = checked.config();
        Mappings mappings = null;
        try {
            mappings = MappingLoader.load(c == null ? null : c.mappingsDir());
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        int ruleCount = 0;
        if (c != null && c.rules().enabled()) {
            Problems ruleProblems = new Problems();
            ruleCount = RuleSet.load(c.rules(), ruleProblems).size();
            problems.addAll(ruleProblems.messages());
        }
        if (c != null && mappings != null) {
            for (dev.rmmaudit.forwarder.config.LogFileSourceConfig l : c.logFiles()) {
                if (mappings.find("logfile", l.format()).isEmpty()) {
                    problems.add(config + " log source " + l.name() + " format: no mapping '" + l.format()
                            + "' (built in: w3c, combined, mysql-error; yours: <mappings dir>/logfile/" + l.format()
                            + ".yml with a parse: key)");
                }
            }
        }
        if (c != null) {
            for (SinkConfig s : c.sinks()) {
                if (s instanceof SyslogSinkConfig sys && sys.tls().caFile() != null
                        && !Files.isReadable(sys.tls().caFile())) {
                    problems.add(config + " sink " + s.name() + " tls.caFile: cannot read " + sys.tls().caFile());
                }
            }
        }
        if (!problems.isEmpty()) {
            System.err.println(config + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
            problems.forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        }
        System.out.println(config + ": valid (" + c.sinks().size() + " sinks, " + mappings.tables().size()
                + " table mappings, " + ruleCount + " rules)");
        return ExitCodes.OK;
    }
}
