package dev.cvkit.timing;

/**
 * The stage clock of one image: {@link #end(Stage)} closes the running stage (time since the
 * previous end, or since the start) and starts the next; {@link #done()} adds the image to its
 * {@link StageTimes}. Used by one thread at a time. {@link #NONE} times nothing.
 */
public final class Lap {
    /** A lap that records nothing, for callers that do not time. */
    public static final Lap NONE = new Lap(null);

    private final StageTimes times;
    private final long[] nanos = new long[Stage.values().length];
    private long last;

    Lap(StageTimes times) {
        this.times = times;
        this.last = times == null ? 0 : System.nanoTime();
    }

    /** Ends {@code stage}: the time since the last mark is added to it. */
    public void end(Stage stage) {
        if (times == null) {
            return;
        }
        long now = System.nanoTime();
        nanos[stage.ordinal()] += now - last;
        last = now;
    }

    /** Restarts the clock without charging any stage (for work that is not one of the stages, such as writing files). */
    public void skip() {
        if (times != null) {
            last = System.nanoTime();
        }
    }

    /** This image's total so far, in milliseconds. */
    public double millis() {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum / 1e6;
    }

    /** Adds this image to the batch's times. */
    public void done() {
        if (times != null) {
            times.add(nanos);
        }
    }
}
