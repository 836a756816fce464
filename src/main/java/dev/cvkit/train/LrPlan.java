package dev.cvkit.train;

/**
 * The learning rate per iteration: linear warm-up from 0.1 % of the base rate over
 * {@code warmup} iterations, times a cosine from the base rate down to 1 % of it at
 * {@code total} iterations (the schedule of the same-budget torchvision baseline, by iteration
 * instead of by second so that a resumed run follows it exactly). Under a wall-clock budget the
 * total is estimated from the measured time per iteration and revised at validations. The
 * warm-up takes at most a fifth of the total: a short budget (or a slow machine) would otherwise
 * end the run still warming up, at a thousandth of the rate.
 */
public record LrPlan(float base, int warmup, int total) {
    public LrPlan {
        if (!(base > 0) || warmup < 0 || total < 1) throw new IllegalArgumentException("lr plan " + base + ", " + warmup + ", " + total);
    }

    public float lr(int iteration) {
        int w = Math.min(warmup, Math.max(1, total / 5));
        double warm = warmup > 0 ? Math.min(1.0, 0.001 + (double) iteration / w) : 1.0;
        double frac = Math.min(1.0, (double) iteration / total);
        return (float) (base * warm * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * frac))));
    }

    public LrPlan withTotal(int t) { return new LrPlan(base, warmup, Math.max(1, t)); }
}
