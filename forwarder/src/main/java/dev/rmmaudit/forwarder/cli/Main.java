package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.encode.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code forwarder} command line: one class per verb. */
@Command(name = "forwarder",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Forwards ConnectWise Automate logins and user/permission changes to a SIEM as CEF or ECS JSON.",
        subcommands = {RunCommand.class, ValidateCommand.class, CheckCommand.class, DiscoverCommand.class,
            DemoCommand.class, RulesCommand.class, VerifyCommand.class, KeyCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the forwarder stopped on an error (database, sink, I/O)",
            "2:the command line or the configuration is invalid",
            "3:demo: no database server could be found or started",
            "4:check: a check failed (each with its remedy)"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  forwarder demo                          # a throwaway database and a scripted story",
            "  forwarder validate --config forwarder.yml",
            "  forwarder check --config forwarder.yml    # the server, the account and the sinks, read-only",
            "  forwarder discover --config forwarder.yml --out my-mappings",
            "  forwarder run --config forwarder.yml",
            "  forwarder rules test --events samples/rules/benign-day.jsonl"})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        Logging.bridgeJul();
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> ExitCodes.INVALID);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println(ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return ExitCodes.INVALID;
        });
        return cli.execute(args);
    }

    /** The version from the jar manifest. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"forwarder " + Version.current()};
        }
    }
}
