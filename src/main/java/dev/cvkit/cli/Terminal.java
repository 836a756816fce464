package dev.cvkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stdout / stderr are terminals. Java 17 has no isatty for a single stream, so on
 * Linux we look where /proc/self/fd/N points; elsewhere we fall back to System.console().
 */
public final class Terminal {
    private static volatile Boolean forceTerminal;

    private Terminal() {}

    /** Tests pin the answer so output does not depend on how they were started. */
    public static void force(Boolean value) { forceTerminal = value; }

    public static boolean stdoutIsTerminal() { return isTerminal(1); }

    public static boolean stderrIsTerminal() { return isTerminal(2); }

    public static boolean stdinIsTerminal() { return isTerminal(0); }

    public static boolean colour() { return System.getenv("NO_COLOR") == null && stderrIsTerminal(); }

    private static boolean isTerminal(int fd) {
        Boolean forced = forceTerminal;
        if (forced != null) {
            return forced;
        }
        Path link = Path.of("/proc/self/fd/" + fd);
        if (Files.isSymbolicLink(link)) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | SecurityException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
