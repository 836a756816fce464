package dev.cvkit;

/** The exit codes every command uses (CLI.md). Defined here and nowhere else. */
public final class ExitCodes {
    /** Everything succeeded. */
    public static final int OK = 0;
    /** At least one input failed; the others were processed and written. */
    public static final int INPUT_FAILED = 1;
    /** Bad option, missing argument, unusable configuration. */
    public static final int USAGE = 2;
    /** A quality gate (--min) was missed. */
    public static final int GATE_FAILED = 3;
    /** Anything unexpected: a bug. Reported with a hint to rerun with --debug. */
    public static final int INTERNAL = 70;

    /** stdout was closed by its reader ({@code | head}): 128 + SIGPIPE, what a shell reports for other Unix tools. */
    public static final int STDOUT_CLOSED = 141;

    private ExitCodes() {}
}
