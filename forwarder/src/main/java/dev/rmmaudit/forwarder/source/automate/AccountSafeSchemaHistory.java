package dev.rmmaudit.forwarder.source.automate;

import io.debezium.relational.history.HistoryRecord;
import io.debezium.storage.file.history.FileSchemaHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Debezium's file schema history, less the account statements: {@code SET PASSWORD FOR … = '*hash'},
 * {@code CREATE USER … IDENTIFIED BY …} and the like change no table, and stored they would put a password or its
 * hash into the state directory. The forwarder reads them as events instead ({@link AccountStatements}).
 */
public class AccountSafeSchemaHistory extends FileSchemaHistory {
    @Override
    protected void doStoreRecord(HistoryRecord record) {
        String ddl = record.document().getString(HistoryRecord.Fields.DDL_STATEMENTS);
        if (AccountStatements.isAccountStatement(ddl)) {
            return;
        }
        super.doStoreRecord(record);
    }

    /**
     * Removes the account statements an older version stored in {@code file}; returns how many. The file is
     * rewritten through a temporary one, so a crash leaves the old or the new file.
     */
    public static int clean(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> kept = lines.stream().filter(l -> !AccountStatements.isAccountStatement(ddlOf(l))).toList();
        if (kept.size() == lines.size()) {
            return 0;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return lines.size() - kept.size();
    }

    private static String ddlOf(String line) {
        try {
            return io.debezium.document.DocumentReader.defaultReader().read(line).getString(
                    HistoryRecord.Fields.DDL_STATEMENTS);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
