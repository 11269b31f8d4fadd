package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.discover.Discovery;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forwarder discover}: the tables of the Automate schema that look like logins, audit or security. */
@Command(name = "discover", mixinStandardHelpOptions = true,
        description = "List the tables of the Automate database whose names or columns suggest logins, audit or"
                + " security, with their columns, types and estimated rows, and mark those the loaded mappings"
                + " cover. Reads the schema only: no row value is printed unless --sample is given.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the database could not be read", "2:the configuration is invalid"},
        footerHeading = "%nExamples:%n",
        footer = {"  forwarder discover --config forwarder.yml",
            "  forwarder discover --config forwarder.yml --out my-mappings --sample 3",
            "  (then mappings: my-mappings in the configuration, and forwarder validate)"})
final class DiscoverCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "write a mapping skeleton per candidate to"
            + " DIR/automate/<table>.yml")
    Path out;

    @Option(names = "--sample", paramLabel = "N", description = "print up to N rows of each candidate, password-"
            + " and hash-like columns redacted")
    int sample;

    @Override
    public Integer call() {
        ForwarderConfig.Checked checked = ForwarderConfig.check(config, Env.system());
        if (!checked.problems().messages().isEmpty() || checked.config().source() == null) {
            System.err.println(config + ": " + (checked.problems().messages().isEmpty()
                    ? "discover needs an Automate source" : "invalid; run forwarder validate --config " + config));
            checked.problems().messages().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        }
        try {
            Discovery d = new Discovery(checked.config().source(), MappingLoader.load(checked.config().mappingsDir())
                    .forModule("automate"));
            List<Discovery.Found> found = d.run();
            Discovery.print(found, System.out);
            if (sample > 0) {
                for (Discovery.Found f : found) {
                    if (!f.covered()) {
                        System.out.println("sample of " + f.table().name() + ":");
                        for (Map<String, String> row : d.sample(f.table(), sample)) {
                            System.out.println("    " + row);
                        }
                    }
                }
            }
            if (out != null) {
                List<Path> files = d.writeSkeletons(found, out);
                files.forEach(f -> System.out.println("wrote " + f));
                System.out.println("next: set mappings: " + out + " in " + config + ", decide each TODO, then"
                        + " forwarder validate --config " + config);
            }
            return ExitCodes.OK;
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        } catch (SQLException e) {
            System.err.println("cannot read the schema of " + checked.config().source().database() + " on "
                    + checked.config().source().host() + ": " + e.getMessage() + " (forwarder check --config " + config
                    + " says why)");
            return ExitCodes.FAILED;
        } catch (IOException e) {
            System.err.println("cannot write the skeletons: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
