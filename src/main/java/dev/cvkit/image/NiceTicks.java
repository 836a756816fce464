package dev.cvkit.image;

import java.util.Locale;

/**
 * Axis ticks a reader expects: steps of 1, 2 or 5 times a power of ten, the axis running from
 * the tick at or below the data's minimum to the tick at or above its maximum, labels with just
 * the decimals the step needs (0.2, 0.4 … rather than 0.371 … 1.02).
 *
 * @param min the first tick (the axis start)
 * @param max the last tick (the axis end)
 * @param step the distance between ticks
 */
public record NiceTicks(double min, double max, double step) {
    /** About {@code target} ticks covering {@code [lo, hi]}; with {@code integers}, steps of at least 1. */
    public static NiceTicks of(double lo, double hi, int target, boolean integers) {
        if (!(hi > lo)) {
            double c = Double.isFinite(lo) ? lo : 0;
            lo = c - 0.5;
            hi = c + 0.5;
        }
        double raw = (hi - lo) / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw * (1 - 1e-9)) {
                step = m * mag;
                break;
            }
        }
        if (integers) {
            step = Math.max(1, Math.round(step));
        }
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        return new NiceTicks(min, max, step);
    }

    /** The tick values from min to max. */
    public double[] values() {
        int n = (int) Math.round((max - min) / step) + 1;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = min + i * step;
        }
        return v;
    }

    /** A tick's label with the decimals the step needs. */
    public String label(double v) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        double rounded = Math.abs(v) < step * 1e-6 ? 0 : v; // no "-0.0"
        return String.format(Locale.ROOT, "%." + decimals + "f", rounded);
    }
}
