package dev.rmmaudit.forwarder.source.screenconnect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * ScreenConnect's {@code User.xml} read as rows: each element under the root is one user, each of its attributes
 * and child elements a column. A child with children of its own (such as {@code <Roles><Role>…</Role></Roles>})
 * becomes a comma-separated list ({@code "Administrator,Technician,"}), as Automate writes its lists. Element
 * names are not assumed beyond that: the mapping names the columns it wants.
 *
 * <p>Read with {@link SecureXml}: the file is attacker-writable in the incidents this source watches for.
 */
final class UserFile {
    private UserFile() {
    }

    /** The users by the value of {@code keyColumn}, in file order. */
    static Map<String, Map<String, Object>> read(Path file, String keyColumn) throws IOException, SecureXml.MalformedException {
        Element root = SecureXml.root(file);
        Map<String, Map<String, Object>> users = new LinkedHashMap<>();
        NodeList children = root.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (!(children.item(i) instanceof Element user)) {
                continue;
            }
            Map<String, Object> row = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int a = 0; a < user.getAttributes().getLength(); a++) {
                Node attr = user.getAttributes().item(a);
                if (!attr.getNodeName().startsWith("xmlns")) {
                    row.put(localName(attr), attr.getNodeValue());
                }
            }
            NodeList fields = user.getChildNodes();
            for (int f = 0; f < fields.getLength(); f++) {
                if (fields.item(f) instanceof Element field) {
                    row.put(localName(field), value(field));
                }
            }
            Object key = row.get(keyColumn);
            if (key == null || key.toString().isBlank()) {
                throw new SecureXml.MalformedException(file + ": user element #" + (users.size() + 1) + " <"
                        + user.getTagName() + "> has no " + keyColumn, null);
            }
            if (users.put(key.toString(), row) != null) {
                throw new SecureXml.MalformedException(file + ": the user '" + key + "' appears twice", null);
            }
        }
        return users;
    }

    static String localName(Node n) {
        return n.getLocalName() != null ? n.getLocalName() : n.getNodeName();
    }

    private static String value(Element e) {
        StringBuilder list = new StringBuilder();
        boolean nested = false;
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element item) {
                nested = true;
                list.append(item.getTextContent().trim()).append(',');
            }
        }
        return nested ? list.toString() : e.getTextContent().trim();
    }
}
