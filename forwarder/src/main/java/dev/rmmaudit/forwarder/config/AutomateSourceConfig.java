package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Automate database is and how to follow its binlog.
 *
 * @param flavor {@code mysql} or {@code mariadb}: decides the Debezium connector
 * @param startFrom {@code now} (schema only, the default) or {@code beginning} is not offered: history
 *     before the first start is not an audit trail we can vouch for
 * @param debezium extra Debezium properties passed through unchanged (advanced; keys are not checked)
 */
public record AutomateSourceConfig(
        String flavor,
        String host,
        int port,
        String user,
        Secret password,
        String database,
        long serverId,
        Path stateDir,
        String sslMode,
        String snapshotLockingMode,
        Map<String, String> debezium) {

    static AutomateSourceConfig read(ConfigNode n, Path baseDir) {
        String flavor = n.choice("flavor", "mysql", "mysql", "mariadb");
        String host = n.requiredString("host");
        int port = n.integer("port", 3306, 1, 65535);
        String user = n.requiredString("user");
        Secret password = n.secret("password");
        String database = n.string("database", "labtech");
        long serverId = n.longValue("serverId", 5401, 1, 4294967295L);
        Path stateDir = baseDir.resolve(n.string("stateDir", "./state")).normalize();
        String sslMode = n.choice("sslMode", "preferred", "disabled", "preferred", "required", "verify_ca",
                "verify_identity");
        String locking = n.choice("snapshotLockingMode", "none", "none", "minimal");
        Map<String, String> debezium = new java.util.LinkedHashMap<>();
        n.child("debezium").entries().forEach((k, v) -> {
            String t = v.text();
            if (t != null) {
                debezium.put(k, t);
            }
        });
        n.child("type");
        n.rejectUnknownKeys();
        return new AutomateSourceConfig(flavor, host, port, user, password, database, serverId, stateDir, sslMode,
                locking, Map.copyOf(debezium));
    }
}
