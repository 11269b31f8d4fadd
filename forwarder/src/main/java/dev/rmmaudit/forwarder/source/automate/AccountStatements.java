package dev.rmmaudit.forwarder.source.automate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MySQL and MariaDB account statements as the binlog carries them ({@code CREATE USER}, {@code DROP USER},
 * {@code ALTER USER}, {@code RENAME USER}, {@code GRANT}, {@code REVOKE}, {@code SET PASSWORD}) read into what an
 * event may say: the statement, the accounts, the privileges and what they are on. Every account in Automate has
 * such a twin, so these are account changes on the RMM's own database.
 *
 * <p>The statement is split into tokens, and whatever follows {@code IDENTIFIED} (up to the next account) or the
 * {@code =} of {@code SET PASSWORD} is dropped before anything else is read: a password, its hash or a plugin's
 * string never reaches a field. The statement text itself is never kept.
 */
public final class AccountStatements {
    /** The pseudo-table the source gives these rows: events of dataset {@code automate.mysql_account}. */
    public static final String TABLE = "mysql_account";
    private static final Set<String> AFTER_AUTH = Set.of("REQUIRE", "WITH", "PASSWORD", "ACCOUNT", "DEFAULT",
            "FAILED_LOGIN_ATTEMPTS", "PASSWORD_LOCK_TIME", "COMMENT", "ATTRIBUTE", "AND", "OR");

    private AccountStatements() {
    }

    /** What one statement did. */
    public record Parsed(String statement, List<String> accounts, List<String> privileges, String on) {

        /** As a row of {@value #TABLE}. */
        public Map<String, Object> row() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("Statement", statement);
            r.put("Account", String.join(",", accounts));
            r.put("Privileges", String.join(",", privileges));
            r.put("On", on);
            boolean anyHost = accounts.stream().anyMatch(a -> a.endsWith("@%") || a.endsWith("@"));
            r.put("AnyHost", Boolean.toString(anyHost));
            boolean powerful = privileges.stream().anyMatch(p -> p.equals("ALL PRIVILEGES") || p.equals("SUPER")
                    || p.startsWith("REPLICATION") || p.equals("GRANT OPTION") || p.equals("CREATE USER")
                    || p.equals("FILE") || p.equals("SHUTDOWN") || p.equals("PROCESS"));
            r.put("Powerful", Boolean.toString(powerful));
            return r;
        }
    }

    /** Whether {@code sql} is an account statement (whose text must not be stored). */
    public static boolean isAccountStatement(String sql) {
        return sql != null && kind(tokens(sql)) != null;
    }

    /** The statement read, or empty when it is no account statement. */
    public static Optional<Parsed> parse(String sql) {
        List<Token> t = tokens(sql);
        String kind = kind(t);
        if (kind == null) {
            return Optional.empty();
        }
        t = withoutSecrets(t, kind);
        List<String> accounts = accounts(t);
        List<String> privileges = new ArrayList<>();
        String on = null;
        if (kind.equals("GRANT") || kind.equals("REVOKE")) {
            int onAt = indexOfWord(t, "ON");
            int end = onAt < 0 ? indexOfWord(t, kind.equals("GRANT") ? "TO" : "FROM") : onAt;
            if (end > 1) {
                privileges = privileges(t.subList(1, end));
            }
            if (onAt >= 0) {
                int to = indexOfWord(t, kind.equals("GRANT") ? "TO" : "FROM");
                StringBuilder o = new StringBuilder();
                for (Token x : t.subList(onAt + 1, to < 0 ? t.size() : to)) {
                    o.append(x.text);
                }
                on = o.toString();
            }
            if (kind.equals("GRANT") && hasWords(t, "WITH", "GRANT", "OPTION")) {
                privileges.add("GRANT OPTION");
            }
        }
        return Optional.of(new Parsed(kind, accounts, privileges, on));
    }

    /** A short description for logs and errors: the statement's kind and its accounts, never its text. */
    public static String describe(String sql) {
        return parse(sql).map(p -> p.statement() + " " + String.join(", ", p.accounts())).orElse("(a statement)");
    }

    private record Token(String text, boolean quoted) {
        String word() {
            return quoted ? null : text.toUpperCase(Locale.ROOT);
        }
    }

    private static String kind(List<Token> t) {
        if (t.isEmpty()) {
            return null;
        }
        String a = t.get(0).word();
        String b = t.size() > 1 ? t.get(1).word() : null;
        if (a == null) {
            return null;
        }
        return switch (a) {
            case "CREATE", "DROP", "ALTER", "RENAME" -> "USER".equals(b) ? a + " USER" : null;
            case "GRANT", "REVOKE" -> a;
            case "SET" -> "PASSWORD".equals(b) ? "SET PASSWORD" : null;
            default -> null;
        };
    }

    /** The tokens without what follows IDENTIFIED (to the next account) or SET PASSWORD's {@code =}. */
    private static List<Token> withoutSecrets(List<Token> in, String kind) {
        List<Token> out = new ArrayList<>();
        boolean skipping = false;
        int depth = 0;
        for (Token x : in) {
            String w = x.word();
            if (kind.equals("SET PASSWORD") && "=".equals(x.text) && !x.quoted) {
                break; // everything after '=' is the password or its hash
            }
            if ("IDENTIFIED".equals(w)) {
                skipping = true;
                continue;
            }
            if (skipping) {
                if ("(".equals(x.text) && !x.quoted) {
                    depth++;
                } else if (")".equals(x.text) && !x.quoted) {
                    depth--;
                } else if (depth == 0 && ((",".equals(x.text) && !x.quoted) || (w != null && AFTER_AUTH.contains(w)
                        && !w.equals("PASSWORD")) || ("TO".equals(w) && kind.equals("RENAME USER")))) {
                    skipping = false;
                    out.add(x);
                }
                continue;
            }
            out.add(x);
        }
        return out;
    }

    private static List<String> accounts(List<Token> t) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i + 1 < t.size(); i++) {
            if ("@".equals(t.get(i).text) && !t.get(i).quoted && isName(t.get(i - 1))) {
                String host = i + 1 < t.size() && isName(t.get(i + 1)) ? t.get(i + 1).text : "%";
                String account = t.get(i - 1).text + "@" + host;
                if (!out.contains(account)) {
                    out.add(account);
                }
            }
        }
        if (out.isEmpty()) {
            // an account without @host (host %), such as CREATE USER bob or GRANT ... TO bob
            int to = indexOfWord(t, "TO");
            int from = indexOfWord(t, "FROM");
            int at = t.get(0).word().equals("GRANT") ? to : t.get(0).word().equals("REVOKE") ? from : 1;
            if (at >= 0 && at + 1 < t.size()) {
                int i = at + 1;
                if ("USER".equals(t.get(i).word()) || "IF".equals(t.get(i).word())) {
                    while (i < t.size() && t.get(i).word() != null && Set.of("USER", "IF", "NOT", "EXISTS")
                            .contains(t.get(i).word())) {
                        i++;
                    }
                }
                if (i < t.size() && isName(t.get(i)) && !"FOR".equals(t.get(i).word())) {
                    out.add(t.get(i).text + "@%");
                }
            }
        }
        return out;
    }

    private static boolean isName(Token x) {
        return x.quoted || (x.text.matches("[A-Za-z0-9_.$%:-]+") && !Set.of("USER", "IF", "NOT", "EXISTS", "TO",
                "FROM", "ON", "FOR").contains(x.text.toUpperCase(Locale.ROOT)));
    }

    private static List<String> privileges(List<Token> t) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (Token x : t) {
            if ("(".equals(x.text) && !x.quoted) {
                depth++;
            } else if (")".equals(x.text) && !x.quoted) {
                depth--;
            } else if (depth == 0 && ",".equals(x.text) && !x.quoted) {
                add(out, cur);
            } else if (depth == 0) {
                cur.append(cur.length() == 0 ? "" : " ").append(x.quoted ? x.text : x.text.toUpperCase(Locale.ROOT));
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String p = cur.toString().trim();
        cur.setLength(0);
        if (!p.isEmpty()) {
            out.add(p.equals("ALL") ? "ALL PRIVILEGES" : p);
        }
    }

    private static int indexOfWord(List<Token> t, String word) {
        for (int i = 0; i < t.size(); i++) {
            if (word.equals(t.get(i).word())) {
                return i;
            }
        }
        return -1;
    }

    private static boolean hasWords(List<Token> t, String... words) {
        for (int i = 0; i + words.length <= t.size(); i++) {
            boolean all = true;
            for (int j = 0; j < words.length && all; j++) {
                all = words[j].equals(t.get(i + j).word());
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** Quoted strings and identifiers (unquoted, without their quotes), words, and single symbols. */
    private static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                StringBuilder s = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == '\\' && c != '`' && j + 1 < n) {
                        s.append(sql.charAt(j + 1));
                        j += 2;
                    } else if (d == c && j + 1 < n && sql.charAt(j + 1) == c) {
                        s.append(c);
                        j += 2;
                    } else if (d == c) {
                        break;
                    } else {
                        s.append(d);
                        j++;
                    }
                }
                out.add(new Token(s.toString(), true));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '%' || c == '.' || c == '*'
                    || c == '-' || c == ':') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || "_$%.*-:".indexOf(sql.charAt(j)) >= 0)) {
                    j++;
                }
                out.add(new Token(sql.substring(i, j), false));
                i = j;
            } else {
                out.add(new Token(String.valueOf(c), false));
                i++;
            }
        }
        return out;
    }
}
