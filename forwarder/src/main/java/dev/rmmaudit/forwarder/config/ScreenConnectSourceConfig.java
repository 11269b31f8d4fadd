package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An on-premises ScreenConnect server's own files, read where they lie.
 *
 * @param appData the server's {@code App_Data} folder
 * @param securityDb {@code Security.db} (SQLite: login, logout and password events), default in {@code appData}
 * @param sessionDb {@code Session.db} (SQLite: sessions, their events and connections), default in {@code appData}
 * @param userFile {@code User.xml}, default in {@code appData}
 * @param roleFile {@code Role.xml} (which role holds which permission), default in {@code appData}
 * @param webConfig the server's {@code web.config} (audit level, setup state), default beside {@code appData}
 * @param serverConfiguration {@code ServerConfiguration.xml} (the database maintenance plan that purges old rows),
 *     default in {@code appData}
 * @param pollInterval how often all of them are looked at
 * @param stateDir where the read positions, the last good user list (secrets as keyed digests) and that key are
 *     kept
 * @param startAt on the first start, {@code end} (forward what happens from now on) or {@code beginning}
 *     (forward the history already in the databases as well)
 * @param deletionWindow how far back rows are watched for deletion (evidence removal); 0 turns it off
 */
public record ScreenConnectSourceConfig(
        Path appData,
        Path securityDb,
        Path sessionDb,
        Path userFile,
        Path roleFile,
        Path webConfig,
        Path serverConfiguration,
        Duration pollInterval,
        Path stateDir,
        String startAt,
        Duration deletionWindow) {

    public static final Duration DEFAULT_DELETION_WINDOW = Duration.ofDays(7);

    /** The files where a stock server keeps them, under {@code appData}. */
    public static ScreenConnectSourceConfig of(Path appData, Duration pollInterval, Path stateDir, String startAt) {
        return new ScreenConnectSourceConfig(appData, appData.resolve("Security.db"), appData.resolve("Session.db"),
                appData.resolve("User.xml"), appData.resolve("Role.xml"), defaultWebConfig(appData),
                appData.resolve("ServerConfiguration.xml"), pollInterval, stateDir, startAt, DEFAULT_DELETION_WINDOW);
    }

    private static Path defaultWebConfig(Path appData) {
        Path parent = appData.toAbsolutePath().normalize().getParent();
        return (parent == null ? appData : parent).resolve("web.config");
    }

    static ScreenConnectSourceConfig read(ConfigNode n, Path baseDir) {
        String appData = n.requiredString("appData");
        Path dir = appData == null ? baseDir : baseDir.resolve(appData).normalize();
        Duration poll = Durations.read(n.child("pollInterval"), Duration.ofSeconds(5));
        if (poll.isZero() || poll.isNegative()) {
            n.child("pollInterval").problem("must be longer than 0");
        }
        Duration window = Durations.read(n.child("deletionWindow"), DEFAULT_DELETION_WINDOW);
        if (window.isNegative()) {
            n.child("deletionWindow").problem("must be 0 (off) or longer");
        }
        Path stateDir = baseDir.resolve(n.string("stateDir", "./state")).normalize();
        String startAt = n.choice("startAt", "end", "end", "beginning");
        ScreenConnectSourceConfig d = of(dir, poll, stateDir, startAt);
        n.child("type");
        ScreenConnectSourceConfig c = new ScreenConnectSourceConfig(dir, file(n, "securityDb", baseDir, d.securityDb),
                file(n, "sessionDb", baseDir, d.sessionDb), file(n, "userFile", baseDir, d.userFile),
                file(n, "roleFile", baseDir, d.roleFile), file(n, "webConfig", baseDir, d.webConfig),
                file(n, "serverConfiguration", baseDir, d.serverConfiguration), poll, stateDir, startAt, window);
        n.rejectUnknownKeys();
        return c;
    }

    private static Path file(ConfigNode n, String key, Path baseDir, Path dflt) {
        String v = n.string(key, null);
        return v == null ? dflt : baseDir.resolve(v).normalize();
    }
}
