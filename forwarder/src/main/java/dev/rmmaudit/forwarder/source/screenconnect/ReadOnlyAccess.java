package dev.rmmaudit.forwarder.source.screenconnect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens a ScreenConnect database read-only under an account that may read {@code App_Data} but not change it,
 * and says exactly which file and which right is missing when that fails.
 *
 * <p>A database in write-ahead-log mode is read through two files beside it: {@code X-wal} (changes not yet
 * copied into X) and {@code X-shm} (the index of that log, shared memory between processes). A read-only
 * connection needs read access to the database and to both of them while they exist; since SQLite 3.22 it no
 * longer needs to write the {@code -shm} file. When the service is stopped they are removed, and a reader that
 * may not create files in the folder opens the database as it is on disk ({@code immutable}: nothing is writing
 * it then); {@link SqliteFile#refresh} opens it again once the service writes.
 */
final class ReadOnlyAccess {
    private ReadOnlyAccess() {
    }

    /** An open connection, and whether it reads the file as immutable (nothing was writing it then). */
    record Opened(Connection connection, boolean immutable) {
    }

    static Opened open(Path file) throws SQLException {
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.exists(file) && folder != null && Files.isDirectory(folder)
                && !(Files.isReadable(folder) && Files.isExecutable(folder))) {
            throw new SQLException("cannot read " + file + ": the forwarder's account may not list " + folder
                    + " (Windows: Read and List folder contents on it for the service account; Unix: r and x)");
        }
        if (!Files.exists(file)) {
            throw new SQLException("cannot read " + file + ": it does not exist (check source.appData, or the"
                    + " file's own key in the source's configuration)");
        }
        for (Path p : new Path[] {file, sibling(file, "-wal"), sibling(file, "-shm")}) {
            if (Files.exists(p) && !Files.isReadable(p)) {
                throw new SQLException("cannot read " + p + ": the forwarder's account needs the right to read it"
                        + " (Windows: Read on " + file.getParent() + " for the service account; Unix: r on the file)");
            }
        }
        boolean walPresent = Files.exists(sibling(file, "-wal")) || Files.exists(sibling(file, "-shm"));
        boolean immutable = !walPresent && !Files.isWritable(folder);
        String url = immutable ? "jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath() + "?immutable=1"
                : "jdbc:sqlite:" + file;
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(5_000);
        Connection c = config.createConnection(url);
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT COUNT(*) FROM sqlite_master").close();
        } catch (SQLException e) {
            c.close();
            throw new SQLException("cannot read " + file + " (" + e.getMessage() + "). A database in WAL mode is read"
                    + " with " + sibling(file, "-wal").getFileName() + " and " + sibling(file, "-shm").getFileName()
                    + " beside it: the forwarder's account needs Read on all three, and, while the ScreenConnect"
                    + " service has them open, nothing more", e);
        }
        return new Opened(c, immutable);
    }

    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }
}
