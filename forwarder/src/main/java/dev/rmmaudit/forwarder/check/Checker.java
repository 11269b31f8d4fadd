package dev.rmmaudit.forwarder.check;

import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.SinkConfig;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.source.automate.AutomateSource;
import dev.rmmaudit.forwarder.source.screenconnect.AccessCheck;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs every check a configuration calls for: the Automate server and the account (read-only), ScreenConnect's
 * files, and each sink (without sending an event).
 */
public final class Checker {
    private Checker() {
    }

    public static List<CheckResult> run(ForwarderConfig config, Mappings mappings) {
        List<CheckResult> out = new ArrayList<>();
        if (config.source() != null) {
            try {
                ServerFacts facts = ServerProbe.read(config.source());
                out.add(CheckResult.ok("database connection", "connected as " + facts.account() + " to "
                        + config.source().host() + ":" + config.source().port()));
                out.addAll(DatabaseChecks.evaluate(facts, config.source(), AutomateSource.realTables(
                        mappings.forModule("automate"))));
            } catch (SQLException e) {
                out.add(ServerProbe.connectionFailed(config.source(), e));
            }
        }
        if (config.screenConnect() != null) {
            for (Map.Entry<Path, String> e : AccessCheck.problems(config.screenConnect()).entrySet()) {
                String name = "file " + e.getKey().getFileName();
                if (e.getValue() == null) {
                    out.add(CheckResult.ok(name, "can read " + e.getKey()));
                } else if (e.getValue().equals("does not exist")) {
                    out.add(CheckResult.warn(name, e.getKey() + " does not exist", "check source.appData, or the"
                            + " file's own key (securityDb, sessionDb, userFile, roleFile, webConfig)"));
                } else {
                    out.add(CheckResult.fail(name, e.getValue(), "grant the forwarder's account Read on the file"
                            + " (docs/operations.md: ScreenConnect: the service account)"));
                }
            }
        }
        for (SinkConfig s : config.sinks()) {
            out.add(SinkProbes.probe(s));
        }
        return out;
    }

    /** Whether any check failed (warnings do not count). */
    public static boolean failed(List<CheckResult> results) {
        return results.stream().anyMatch(r -> r.status() == CheckResult.Status.FAIL);
    }
}
