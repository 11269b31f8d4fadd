package dev.rmmaudit.forwarder.mapping;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The loaded table mappings. */
public record Mappings(List<TableMapping> tables) {

    /** The mapping of {@code module} for {@code table} (case-insensitive), if any. */
    public Optional<TableMapping> find(String module, String table) {
        String t = table.toLowerCase(Locale.ROOT);
        return tables.stream()
                .filter(m -> m.module().equals(module) && m.table().toLowerCase(Locale.ROOT).equals(t))
                .findFirst();
    }

    public List<TableMapping> forModule(String module) {
        return tables.stream().filter(m -> m.module().equals(module)).toList();
    }

    public Optional<TableMapping> withRole(String module, String role) {
        return forModule(module).stream().filter(m -> m.role().equals(role)).findFirst();
    }
}
