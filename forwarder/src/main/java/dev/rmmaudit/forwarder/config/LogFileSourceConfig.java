package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Log files followed as they grow: a web server's access logs, the database's error log.
 *
 * @param name the source's name: in its positions' file and its events' origin
 * @param paths globs ({@code C:/inetpub/logs/LogFiles/W3SVC1/u_ex*.log}); every file that matches is followed
 * @param format the mapping (under {@code mappings/logfile/}) that parses a line and makes its events:
 *     {@code w3c}, {@code combined}, {@code mysql-error}, or one of yours
 * @param startAt on the first start, {@code end} (what is written from now on) or {@code beginning}
 */
public record LogFileSourceConfig(String name, List<String> paths, String format, String startAt,
        Duration pollInterval, Path stateDir) {

    static LogFileSourceConfig read(ConfigNode n, Path baseDir, int index) {
        String name = n.string("name", "logfile" + (index + 1));
        List<String> paths = new ArrayList<>();
        for (String p : n.stringList("paths")) {
            Path abs = baseDir.resolve(p.replace('\\', '/').replaceAll("[*?\\[{].*$", "")).normalize();
            String rest = p.replace('\\', '/').substring(p.replace('\\', '/').replaceAll("[*?\\[{].*$", "").length());
            paths.add(abs.toString().replace('\\', '/') + rest);
        }
        if (paths.isEmpty()) {
            n.child("paths").problem("at least one file or glob is needed, such as /var/log/nginx/access.log*");
        }
        String format = n.requiredString("format");
        String startAt = n.choice("startAt", "end", "end", "beginning");
        Duration poll = Durations.read(n.child("pollInterval"), Duration.ofSeconds(1));
        if (poll.isZero() || poll.isNegative()) {
            n.child("pollInterval").problem("must be longer than 0");
        }
        Path stateDir = baseDir.resolve(n.string("stateDir", "./state")).normalize();
        n.child("type");
        n.rejectUnknownKeys();
        return new LogFileSourceConfig(name, List.copyOf(paths), format, startAt, poll, stateDir);
    }
}
