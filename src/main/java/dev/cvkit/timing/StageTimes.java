package dev.cvkit.timing;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time per {@link Stage} summed over the images of a batch, from any number of threads. Each
 * image gets a {@link Lap}: its stages are timed one after the other and added when it is done.
 */
public final class StageTimes {
    private final LongAdder[] nanos = new LongAdder[Stage.values().length];
    private final LongAdder images = new LongAdder();

    public StageTimes() {
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = new LongAdder();
        }
    }

    /** Starts timing one image; its first stage begins now. */
    public Lap start() {
        return new Lap(this);
    }

    /** Adds one image's stage times (nanoseconds, indexed by {@link Stage#ordinal()}). */
    void add(long[] stageNanos) {
        for (int i = 0; i < nanos.length; i++) {
            nanos[i].add(stageNanos[i]);
        }
        images.increment();
    }

    /** The number of images added. */
    public long images() {
        return images.sum();
    }

    /** Mean milliseconds per image spent in {@code stage}; 0 before any image. */
    public double meanMillis(Stage stage) {
        long n = images.sum();
        return n == 0 ? 0 : nanos[stage.ordinal()].sum() / 1e6 / n;
    }

    /**
     * One line as Ultralytics prints it, e.g. {@code Speed: 3.1ms preprocess, 41.0ms inference,
     * 0.6ms postprocess per image}. Times are summed over threads, so with several threads they
     * add up to more than the wall time divided by the image count.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder("Speed: ");
        for (Stage s : Stage.values()) {
            sb.append(String.format(Locale.ROOT, "%.1fms %s", meanMillis(s), s.label()));
            sb.append(s.ordinal() < Stage.values().length - 1 ? ", " : " per image");
        }
        return sb.toString();
    }
}
