package dev.rmmaudit.forwarder.discover;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which tables look like logins, audit or security, and why: a name that says so (login, logon, audit, sec, auth,
 * fail, session, history tables such as {@code h_*}), or a user column beside a time column and an address column.
 * Pure: judged from {@link TableInfo} alone.
 */
public final class Candidates {
    private static final Pattern NAME = Pattern.compile("(?i).*(login|logon|logoff|logout|audit|sec|auth|fail"
            + "|session|histor|access|event).*|(?i)^h_.*");
    static final Pattern USER = Pattern.compile("(?i).*(user|login|logon|tech|who|runby|account|operator"
            + "|createdby|modifiedby).*");
    /** An address column: {@code ip}, {@code client_ip}, {@code IPAddress}, {@code RemoteHost}, not {@code ScriptID}. */
    static final Pattern ADDRESS = Pattern.compile("(?i)^(ip|.*[_\\-]ip|.*(client|source|remote|user)ip|.*ip_?addr(ess)?"
            + "|.*address|.*addr|.*host(name)?|remote.*)$");
    /** Columns whose values are never printed, even with {@code --sample}. */
    static final Pattern SECRET = Pattern.compile("(?i).*(pass|pwd|hash|secret|token|salt|key|otp|mfa|totp"
            + "|credential).*");

    private Candidates() {
    }

    /** Why a table is a candidate, or an empty list when it is not one. */
    public static List<String> reasons(TableInfo t) {
        List<String> why = new ArrayList<>();
        if (NAME.matcher(t.name()).matches()) {
            why.add("its name");
        }
        String user = first(t, USER, false);
        String time = t.columns().stream().filter(TableInfo.Column::isTime).map(TableInfo.Column::name).findFirst()
                .orElse(null);
        String address = first(t, ADDRESS, false);
        if (user != null && time != null && address != null) {
            why.add("a user column (" + user + ") beside a time (" + time + ") and an address (" + address + ")");
        } else if (user != null && time != null && !why.isEmpty()) {
            why.add("a user column (" + user + ") beside a time (" + time + ")");
        }
        return why;
    }

    static String first(TableInfo t, Pattern p, boolean timeOnly) {
        return t.columns().stream().filter(c -> p.matcher(c.name()).matches() && (!timeOnly || c.isTime()))
                .map(TableInfo.Column::name).findFirst().orElse(null);
    }

    static boolean isSecret(String column) {
        return SECRET.matcher(column).matches();
    }

}
