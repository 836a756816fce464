package dev.cvkit.fuzz;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoFormatException;

/**
 * The only outcomes a parser of untrusted input may have: a result, or the documented one-line
 * error (a {@link UserError} or {@link CocoFormatException} whose message is one non-empty line).
 * Anything else (a NullPointerException, an OutOfMemoryError, a multi-line message) fails the try.
 */
public final class Outcomes {
    /** Work on one mutant. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    private Outcomes() {}

    public static void resultOrOneLineError(Parse parse) throws Exception {
        try {
            parse.run();
        } catch (UserError | CocoFormatException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) {
                throw new AssertionError("not a one-line error: " + m, e);
            }
        }
    }
}
