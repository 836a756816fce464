package dev.cvkit.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr: a redrawn bar (count, rate, ETA) only when stderr is a terminal; otherwise a
 * single summary line at the end. Silent with --quiet. The total may be unknown (streamed inputs).
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean bar;
    private final boolean quiet;
    private final String what;
    private final long start = System.nanoTime();
    private long done;
    private long failed;
    private long lastDraw;

    public Progress(PrintWriter err, String what, boolean quiet) {
        this.err = err;
        this.what = what;
        this.quiet = quiet;
        this.bar = !quiet && Terminal.stderrIsTerminal();
    }

    public synchronized void step(boolean ok) {
        done++;
        if (!ok) {
            failed++;
        }
        long now = System.nanoTime();
        if (bar && now - lastDraw > 100_000_000L) {
            lastDraw = now;
            double secs = (now - start) / 1e9;
            err.printf(Locale.ROOT, "\r%s: %d done%s, %.1f/s   ", what, done,
                    failed > 0 ? " (" + failed + " failed)" : "", done / Math.max(secs, 1e-9));
            err.flush();
        }
    }

    /** Clears the bar before an error line is printed, so the two do not mix. */
    public synchronized void clearLine() {
        if (bar && lastDraw != 0) {
            err.print("\r\033[K");
        }
    }

    public synchronized void finish() {
        if (quiet) {
            return;
        }
        clearLine();
        double secs = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "%s: %d input%s in %.2f s%s%n", what, done, done == 1 ? "" : "s", secs,
                failed > 0 ? ", " + failed + " failed" : "");
        err.flush();
    }

    public synchronized long failed() { return failed; }
}
