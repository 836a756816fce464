package dev.cvkit.cli;

/** What stdout carries: a table for people, JSON for programs. */
public enum OutputFormat {
    TEXT, JSONL, JSON, CSV;

    /** Parses a --format value, any case; {@code table} is {@code text} (Ultralytics' and pandas' word for it). */
    public static OutputFormat parse(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("table")) {
            return TEXT;
        }
        for (OutputFormat f : values()) {
            if (f.name().toLowerCase(java.util.Locale.ROOT).equals(v)) {
                return f;
            }
        }
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a format (text or table, jsonl, json, csv)");
    }

    /** The default: a table on a terminal, JSON Lines in a pipe. */
    public static OutputFormat resolve(OutputFormat requested) {
        if (requested != null) {
            return requested;
        }
        return Terminal.stdoutIsTerminal() ? TEXT : JSONL;
    }
}
