package dev.cvkit.cli;

/** What stdout carries: a table for people, JSON for programs. */
public enum OutputFormat {
    TEXT, JSONL, JSON, CSV;

    /** The default: a table on a terminal, JSON Lines in a pipe. */
    public static OutputFormat resolve(OutputFormat requested) {
        if (requested != null) {
            return requested;
        }
        return Terminal.stdoutIsTerminal() ? TEXT : JSONL;
    }
}
