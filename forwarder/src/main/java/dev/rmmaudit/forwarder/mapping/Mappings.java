package dev.rmmaudit.forwarder.mapping;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The loaded table mappings. */
public final class Mappings {
    private final List<TableMapping> tables;
    /** Module and lower-case table name to its mapping. */
    private final Map<String, TableMapping> byName = new HashMap<>();
    /** Lookups as sources spell them (module and table exactly), so a row costs one hash lookup. */
    private final Map<String, Map<String, Optional<TableMapping>>> seen = new ConcurrentHashMap<>();

    public Mappings(List<TableMapping> tables) {
        this.tables = List.copyOf(tables);
        for (TableMapping m : this.tables) {
            byName.putIfAbsent(key(m.module(), m.table().toLowerCase(Locale.ROOT)), m);
        }
    }

    public List<TableMapping> tables() {
        return tables;
    }

    /** The mapping of {@code module} for {@code table} (case-insensitive), if any. */
    public Optional<TableMapping> find(String module, String table) {
        Map<String, Optional<TableMapping>> ofModule = seen.computeIfAbsent(module, k -> new ConcurrentHashMap<>());
        Optional<TableMapping> m = ofModule.get(table);
        if (m == null) {
            m = Optional.ofNullable(byName.get(key(module, table.toLowerCase(Locale.ROOT))));
            if (ofModule.size() < 10_000) { // a source naming endless tables must not grow this without bound
                ofModule.put(table, m);
            }
        }
        return m;
    }

    private static String key(String module, String table) {
        return module + '\u0000' + table;
    }

    public List<TableMapping> forModule(String module) {
        return tables.stream().filter(m -> m.module().equals(module)).toList();
    }

    public Optional<TableMapping> withRole(String module, String role) {
        return forModule(module).stream().filter(m -> m.role().equals(role)).findFirst();
    }
}
