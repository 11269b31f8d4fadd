package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.chain.ChainKey;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forwarder key}: the install's chain key, for the SOC that verifies exports. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Work with the install's chain key.",
        subcommands = {KeyCommand.Export.class})
final class KeyCommand {
    private KeyCommand() {
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the chain key (64 hex digits) to standard output, for `forwarder verify`. Whoever"
                    + " holds it can check events and could also seal forged ones: keep it where the SOC keeps"
                    + " secrets, not on the Automate server.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "2:the configuration is invalid or there is no key yet"},
            footerHeading = "%nExamples:%n",
            footer = {"  forwarder key export --config forwarder.yml > chain.key"})
    static final class Export implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
                description = "the YAML configuration (its state directory holds the key)")
        Path config;

        @Override
        public Integer call() {
            // only the state directory is read: secrets the shell does not hold (the database password) may be unset
            ForwarderConfig.Checked checked = ForwarderConfig.check(config, new Env(name -> {
                String v = System.getenv(name);
                return v != null ? v : "unset";
            }));
            if (!checked.problems().messages().isEmpty()) {
                System.err.println(config + ": invalid; run forwarder validate --config " + config);
                checked.problems().messages().forEach(p -> System.err.println("  " + p));
                return ExitCodes.INVALID;
            }
            try {
                System.out.println(ChainKey.export(checked.config().stateDir()));
                return ExitCodes.OK;
            } catch (IOException e) {
                System.err.println(e.getMessage());
                return ExitCodes.INVALID;
            }
        }
    }
}
