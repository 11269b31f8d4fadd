package dev.rmmaudit.forwarder.check;

import java.util.Locale;

/**
 * The outcome of one check: its name, {@code ok}, {@code warn} or {@code fail}, what was found, and what to do
 * (null when nothing is to be done). No secret ever goes into any of them.
 */
public record CheckResult(String check, Status status, String detail, String remedy) {

    public enum Status {
        OK, WARN, FAIL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static CheckResult ok(String check, String detail) {
        return new CheckResult(check, Status.OK, detail, null);
    }

    static CheckResult warn(String check, String detail, String remedy) {
        return new CheckResult(check, Status.WARN, detail, remedy);
    }

    static CheckResult fail(String check, String detail, String remedy) {
        return new CheckResult(check, Status.FAIL, detail, remedy);
    }
}
