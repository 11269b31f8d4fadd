package dev.rmmaudit.forwarder.source.screenconnect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * ScreenConnect's {@code User.xml} read as rows: each element under the root is one user, each of its attributes
 * and child elements a column. A child with children of its own (such as {@code <Roles><Role>…</Role></Roles>})
 * becomes a comma-separated list ({@code "Administrator,Technician,"}), as Automate writes its lists. Element
 * names are not assumed beyond that: the mapping names the columns it wants.
 *
 * <p>The parser refuses DTDs and external entities: the file is attacker-writable in the incidents this
 * source watches for.
 */
final class UserFile {
    private UserFile() {
    }

    /** A file that is not a user list; the message names the file, line and column. */
    static final class MalformedException extends Exception {
        MalformedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The users by the value of {@code keyColumn}, in file order. */
    static Map<String, Map<String, Object>> read(Path file, String keyColumn) throws IOException, MalformedException {
        Element root;
        try (InputStream in = Files.newInputStream(file)) {
            root = builder().parse(in, file.toUri().toString()).getDocumentElement();
        } catch (SAXParseException e) {
            throw new MalformedException(file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": "
                    + e.getMessage(), e);
        } catch (SAXException e) {
            throw new MalformedException(file + ": " + e.getMessage(), e);
        }
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
                throw new MalformedException(file + ": user element #" + (users.size() + 1) + " <"
                        + user.getTagName() + "> has no " + keyColumn, null);
            }
            if (users.put(key.toString(), row) != null) {
                throw new MalformedException(file + ": the user '" + key + "' appears twice", null);
            }
        }
        return users;
    }

    private static String localName(Node n) {
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

    private static DocumentBuilder builder() throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // not worth a word: the content decides
                }

                @Override
                public void error(SAXParseException e) throws SAXParseException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXParseException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IOException("no secure XML parser in this Java runtime: " + e.getMessage(), e);
        }
    }
}
