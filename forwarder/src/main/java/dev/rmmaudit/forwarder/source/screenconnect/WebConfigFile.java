package dev.rmmaudit.forwarder.source.screenconnect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The ScreenConnect server's {@code web.config} read as rows, one per {@code <appSettings><add key value>} whose key
 * is about auditing, setup or lockout ({@code AuditLevel}, {@code IsSetup}, ...): {@code Key} and {@code Value}.
 * Other settings are not read at all, so whatever secret they hold stays out of events and state.
 */
final class WebConfigFile {
    static final Pattern WATCHED = Pattern.compile("(?i).*(audit|setup|lockout|passwordattempt|invalidpassword).*");

    private WebConfigFile() {
    }

    static Map<String, Map<String, Object>> read(Path file) throws IOException, SecureXml.MalformedException {
        Element root = SecureXml.root(file);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        NodeList settings = root.getElementsByTagName("appSettings");
        for (int s = 0; s < settings.getLength(); s++) {
            NodeList adds = ((Element) settings.item(s)).getElementsByTagName("add");
            for (int i = 0; i < adds.getLength(); i++) {
                Element add = (Element) adds.item(i);
                String key = add.getAttribute("key").trim();
                if (!key.isEmpty() && WATCHED.matcher(key).matches()) {
                    Map<String, Object> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    row.put("Key", key);
                    row.put("Value", add.getAttribute("value"));
                    out.put(key.toLowerCase(Locale.ROOT), row);
                }
            }
        }
        return out;
    }
}
