package dev.rmmaudit.forwarder.source.screenconnect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * ScreenConnect's {@code Role.xml} read as rows, one per {@code <Role>}: {@code Name}, {@code Permissions} (the
 * names of its {@code <PermissionEntry AccessControlType="Allow">} entries, sorted, comma-separated) and
 * {@code DeniedPermissions}. A role is an administrator role when it allows {@value #ADMINISTER}, whatever it
 * is called.
 */
final class RoleFile {
    static final String ADMINISTER = "Administer";

    private RoleFile() {
    }

    /** The roles by name, in file order. */
    static Map<String, Map<String, Object>> read(Path file) throws IOException, SecureXml.MalformedException {
        Element root = SecureXml.root(file);
        Map<String, Map<String, Object>> roles = new LinkedHashMap<>();
        NodeList children = root.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (!(children.item(i) instanceof Element role)) {
                continue;
            }
            String name = null;
            Set<String> allowed = new TreeSet<>();
            Set<String> denied = new TreeSet<>();
            NodeList fields = role.getChildNodes();
            for (int f = 0; f < fields.getLength(); f++) {
                if (!(fields.item(f) instanceof Element field)) {
                    continue;
                }
                String local = UserFile.localName(field);
                if (local.equals("Name")) {
                    name = field.getTextContent().trim();
                } else if (local.equals("PermissionEntries")) {
                    NodeList entries = field.getChildNodes();
                    for (int e = 0; e < entries.getLength(); e++) {
                        if (entries.item(e) instanceof Element entry && !entry.getAttribute("Name").isBlank()) {
                            boolean deny = entry.getAttribute("AccessControlType").equalsIgnoreCase("Deny");
                            (deny ? denied : allowed).add(entry.getAttribute("Name").trim());
                        }
                    }
                }
            }
            if (name == null && !role.getAttribute("Name").isBlank()) {
                name = role.getAttribute("Name").trim();
            }
            if (name == null || name.isEmpty()) {
                throw new SecureXml.MalformedException(file + ": role element #" + (roles.size() + 1) + " <"
                        + role.getTagName() + "> has no Name", null);
            }
            allowed.removeAll(denied); // a Deny entry wins over an Allow of the same permission
            Map<String, Object> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            row.put("Name", name);
            row.put("Permissions", list(allowed));
            row.put("DeniedPermissions", list(denied));
            row.put("IsAdministrator", Boolean.toString(allowed.stream().anyMatch(ADMINISTER::equalsIgnoreCase)));
            if (roles.put(name.toLowerCase(Locale.ROOT), row) != null) {
                throw new SecureXml.MalformedException(file + ": the role '" + name + "' appears twice", null);
            }
        }
        return roles;
    }

    private static String list(Set<String> names) {
        return names.isEmpty() ? "" : String.join(",", names) + ",";
    }
}
