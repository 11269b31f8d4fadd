package dev.rmmaudit.forwarder.cli;

/** The exit codes every verb uses (listed in {@code --help}). */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;
    static final int NO_DATABASE = 3;
    static final int CHECK_FAILED = 4;

    private ExitCodes() {
    }
}
