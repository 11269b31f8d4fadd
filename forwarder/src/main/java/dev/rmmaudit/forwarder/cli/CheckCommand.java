package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.check.CheckReport;
import dev.rmmaudit.forwarder.check.CheckResult;
import dev.rmmaudit.forwarder.check.Checker;
import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forwarder check}: the server, the account and the sinks as the configuration names them. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the database server (binary log, retention, the account's grants, flavour, mapped tables),"
                + " ScreenConnect's files and every sink (reachable, credentials accepted) without changing or"
                + " sending anything. Each problem comes with its remedy.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing failed (warnings allowed)", "2:the configuration is invalid",
            "4:a check failed"},
        footerHeading = "%nExamples:%n",
        footer = {"  forwarder check --config forwarder.yml", "  forwarder check --config forwarder.yml --json"})
final class CheckCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--json", description = "print a JSON array of {check, status, detail, remedy}")
    boolean json;

    @Override
    public Integer call() {
        ForwarderConfig.Checked checked = ForwarderConfig.check(config, Env.system());
        if (!checked.problems().messages().isEmpty()) {
            System.err.println(config + ": invalid; run forwarder validate --config " + config);
            checked.problems().messages().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        }
        List<CheckResult> results;
        try {
            results = Checker.run(checked.config(), MappingLoader.load(checked.config().mappingsDir()));
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        }
        System.out.print(json ? CheckReport.json(results) : CheckReport.text(results));
        return Checker.failed(results) ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
    }
}
