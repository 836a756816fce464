package dev.cvkit.cli;

import dev.cvkit.timing.StageTimes;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress on stderr: a redrawn bar (count, total and ETA once the total is known, rate) only
 * when stderr is a terminal; otherwise a single summary line at the end. With {@link #times}
 * the end adds Ultralytics' speed line (decode and preprocess, inference, postprocess per image).
 * Silent with --quiet. The total may stay unknown (streamed inputs).
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean bar;
    private final boolean quiet;
    private final String what;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long failed;
    private long lastDraw;
    private volatile long total = -1;
    private StageTimes times;

    public Progress(PrintWriter err, String what, boolean quiet) {
        this(err, what, quiet, !quiet && Terminal.stderrIsTerminal(), System::nanoTime);
    }

    /** With an explicit bar choice and clock (nanoseconds), for tests. */
    Progress(PrintWriter err, String what, boolean quiet, boolean bar, LongSupplier clock) {
        this.err = err;
        this.what = what;
        this.quiet = quiet;
        this.bar = bar;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** True if a bar is drawn (a terminal, not --quiet): only then is a total worth counting. */
    public boolean showsBar() { return bar; }

    /** The number of inputs, once known (it may arrive from another thread mid-run). */
    public void total(long n) { total = n; }

    /** Stage times to report in the final speed line. */
    public synchronized Progress times(StageTimes t) {
        times = t;
        return this;
    }

    public synchronized void step(boolean ok) {
        done++;
        if (!ok) {
            failed++;
        }
        long now = clock.getAsLong();
        if (bar && now - lastDraw > 100_000_000L) {
            lastDraw = now;
            err.print("\r" + line(now) + "   ");
            err.flush();
        }
    }

    /** The bar's text at time {@code now}: {@code detect: 5/17 (29%), 2.1/s, ETA 0:06}. */
    synchronized String line(long now) {
        double secs = Math.max((now - start) / 1e9, 1e-9);
        double rate = done / secs;
        long n = total;
        StringBuilder sb = new StringBuilder(what).append(": ").append(done);
        if (n >= done && n > 0) {
            sb.append('/').append(n).append(String.format(Locale.ROOT, " (%d%%)", 100 * done / n));
        } else {
            sb.append(" done");
        }
        if (failed > 0) {
            sb.append(" (").append(failed).append(" failed)");
        }
        sb.append(String.format(Locale.ROOT, ", %.1f/s", rate));
        if (n >= done && n > 0 && done > 0) {
            sb.append(", ETA ").append(clockTime(Math.round((n - done) / rate)));
        }
        return sb.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clockTime(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
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
        double secs = (clock.getAsLong() - start) / 1e9;
        err.printf(Locale.ROOT, "%s: %d input%s in %.2f s%s%n", what, done, done == 1 ? "" : "s", secs,
                failed > 0 ? ", " + failed + " failed" : "");
        if (times != null && times.images() > 0) {
            err.println(times.summary());
        }
        err.flush();
    }

    public synchronized long failed() { return failed; }

    /** A warning line ({@code cvkit: ...}) unless --quiet. */
    public synchronized void note(String message) {
        if (quiet) {
            return;
        }
        clearLine();
        err.println("cvkit: " + message);
        err.flush();
    }
}
