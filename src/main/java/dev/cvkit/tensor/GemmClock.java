package dev.cvkit.tensor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Time and work spent inside the GEMM backend while switched on, summed over all threads.
 *
 * <p>Why: a benchmark that misses its target has to say whether the multiplications or the
 * Java around them are slow. {@code cvkit bench} switches the clock on for a few extra calls of
 * each model case and reports the GEMM share. Off (the default) it costs one volatile read a call.
 */
public final class GemmClock {
    private static volatile boolean on;
    private static final LongAdder NANOS = new LongAdder(), FLOPS = new LongAdder();

    private GemmClock() {}

    /** Clears the counters and starts counting. */
    public static void start() {
        NANOS.reset();
        FLOPS.reset();
        on = true;
    }

    public static void stop() { on = false; }

    /** Nanoseconds inside GEMM calls since {@link #start}, summed over threads. */
    public static long nanos() { return NANOS.sum(); }

    /** Floating-point operations (2·m·n·k per call) since {@link #start}. */
    public static long flops() { return FLOPS.sum(); }

    static boolean isOn() { return on; }

    static void add(long nanos, long m, long n, long k) {
        NANOS.add(nanos);
        FLOPS.add(2 * m * n * k);
    }
}
