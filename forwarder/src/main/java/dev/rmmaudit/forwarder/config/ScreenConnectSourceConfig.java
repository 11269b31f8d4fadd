package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An on-premises ScreenConnect server's own files, read where they lie.
 *
 * @param appData the server's {@code App_Data} folder
 * @param sessionDb {@code Session.db} (SQLite), default in {@code appData}
 * @param userFile {@code User.xml}, default in {@code appData}
 * @param pollInterval how often both are looked at
 * @param stateDir where the read positions and the last good user list are kept
 * @param startAt on the first start, {@code end} (forward what happens from now on) or {@code beginning}
 *     (forward the history already in Session.db as well)
 */
public record ScreenConnectSourceConfig(
        Path appData,
        Path sessionDb,
        Path userFile,
        Duration pollInterval,
        Path stateDir,
        String startAt) {

    static ScreenConnectSourceConfig read(ConfigNode n, Path baseDir) {
        String appData = n.requiredString("appData");
        Path dir = appData == null ? baseDir : baseDir.resolve(appData).normalize();
        String db = n.string("sessionDb", null);
        String users = n.string("userFile", null);
        Duration poll = Durations.read(n.child("pollInterval"), Duration.ofSeconds(5));
        if (poll.isZero() || poll.isNegative()) {
            n.child("pollInterval").problem("must be longer than 0");
        }
        Path stateDir = baseDir.resolve(n.string("stateDir", "./state")).normalize();
        String startAt = n.choice("startAt", "end", "end", "beginning");
        n.child("type");
        n.rejectUnknownKeys();
        return new ScreenConnectSourceConfig(dir, db == null ? dir.resolve("Session.db") : baseDir.resolve(db)
                .normalize(), users == null ? dir.resolve("User.xml") : baseDir.resolve(users).normalize(), poll,
                stateDir, startAt);
    }
}
