package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.demo.Demo;
import dev.rmmaudit.forwarder.demo.DockerServer;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a throwaway database, plays a scripted story and prints the events the real pipeline makes. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a throwaway MariaDB/MySQL (a local mariadbd or mysqld, or MySQL 8 in Docker), load a "
                + "sample Automate schema, play a short story (a login, a new technician, two ways of becoming "
                + "SuperAdmin, a lowered audit level, a password change, a deletion) and print the events. "
                + "Events go to standard output, the narration to standard error. Everything is removed at the end."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the story ran and events were printed", "1:the demo failed",
            "3:no database server could be found or started"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "cef", paramLabel = "FORMAT",
            description = "cef or json (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--screenconnect", description = "also make a sample ScreenConnect App_Data folder (Session.db,"
            + " User.xml) and play its story: failed logins, a hidden command, a CVE-2024-1709-style new administrator;"
            + " both sources in one stream")
    boolean screenConnect;

    @Option(names = "--log-level", defaultValue = "warn", paramLabel = "LEVEL",
            description = "the forwarder's own log level (default: ${DEFAULT-VALUE})")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("cef") && !format.equals("json")) {
            System.err.println("--format must be cef or json, not '" + format + "'");
            return ExitCodes.INVALID;
        }
        Logging.level(logLevel);
        ThrowawayDatabase db;
        Optional<Path> binary = LocalServer.findServerBinary();
        try {
            if (binary.isPresent()) {
                System.err.println("# starting a throwaway database server from " + binary.get());
                db = LocalServer.start(binary.get());
            } else if (DockerServer.available()) {
                System.err.println("# starting MySQL 8 in Docker (the first run downloads the image)");
                db = DockerServer.start();
            } else {
                System.err.println("""
                        The demo needs a MariaDB or MySQL server binary (it starts its own throwaway server in a
                        temporary folder and never touches an installed database service), or a running Docker.
                        None was found. Install one, for example:
                          Debian/Ubuntu:  sudo apt-get install mariadb-server   (the service need not run)
                          Fedora/RHEL:    sudo dnf install mariadb-server
                          macOS:          brew install mariadb
                          Windows:        the MariaDB MSI from mariadb.org, then add its bin folder to PATH
                        or start Docker, then run the demo again.""");
                return ExitCodes.NO_DATABASE;
            }
        } catch (java.io.IOException e) {
            System.err.println("could not start a throwaway database: " + e.getMessage());
            return ExitCodes.NO_DATABASE;
        }
        try (db) {
            System.err.println("# " + db.flavor() + " listening on " + db.host() + ":" + db.port());
            long n = new Demo(System.out, System.err).run(db, format, screenConnect);
            return n > 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
