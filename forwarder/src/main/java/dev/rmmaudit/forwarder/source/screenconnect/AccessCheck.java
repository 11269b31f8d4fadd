package dev.rmmaudit.forwarder.source.screenconnect;

import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the forwarder's account can read each of ScreenConnect's files as the source will ({@code forwarder
 * check}): the databases opened read-only exactly as when running, the XML files read. Nothing is written.
 */
public final class AccessCheck {
    private AccessCheck() {
    }

    /** Each file, with null when it can be read, else what is wrong (naming the file and the right). */
    public static Map<Path, String> problems(ScreenConnectSourceConfig c) {
        Map<Path, String> out = new LinkedHashMap<>();
        for (Path db : new Path[] {c.securityDb(), c.sessionDb()}) {
            try (SqliteFile f = new SqliteFile(db)) {
                out.put(db, null);
            } catch (SQLException e) {
                out.put(db, e.getMessage());
            }
        }
        for (Path file : new Path[] {c.userFile(), c.roleFile(), c.webConfig()}) {
            out.put(file, !Files.exists(file) ? "does not exist" : Files.isReadable(file) ? null
                    : "cannot read " + file + ": the forwarder's account needs the right to read it");
        }
        return out;
    }
}
