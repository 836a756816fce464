package dev.cvkit.detection.yolo;

/**
 * The distribution of a box side (Li et al. 2020, Generalized Focal Loss): R logits over the
 * distances 0 … R−1 (in strides), read with a stride through an array. The distance is the
 * expectation Σ softmax(z)_k · k; the distribution focal loss for a target t is the cross-entropy
 * toward its two neighbouring bins weighted by closeness: −(⌊t⌋+1−t)·log p_⌊t⌋ − (t−⌊t⌋)·log p_⌊t⌋+1.
 */
public final class Dfl {
    private Dfl() {}

    /** Softmax of z[off + k·step], k &lt; bins, into p. */
    static void softmax(float[] z, int off, int step, int bins, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < bins; k++) max = Math.max(max, z[off + k * step]);
        double s = 0;
        for (int k = 0; k < bins; k++) {
            p[k] = Math.exp(z[off + k * step] - max);
            s += p[k];
        }
        for (int k = 0; k < bins; k++) p[k] /= s;
    }

    /** The expected distance of the bins' softmax p. */
    static double expectation(double[] p, int bins) {
        double d = 0;
        for (int k = 0; k < bins; k++) d += p[k] * k;
        return d;
    }

    /** The decoded distance of logits z[off + k·step] (in strides). */
    public static double distance(float[] z, int off, int step, int bins) {
        double[] p = new double[bins];
        softmax(z, off, step, bins, p);
        return expectation(p, bins);
    }

    /**
     * The loss for target t ∈ [0, bins − 1) given the softmax p; adds weight · d loss / d z_k
     * to grad[k] when grad is not null.
     */
    static double loss(double[] p, int bins, double t, double weight, double[] grad) {
        int left = (int) Math.floor(t);
        int right = Math.min(left + 1, bins - 1);
        double wl = left + 1 - t, wr = 1 - wl;
        double l = -wl * Math.log(Math.max(p[left], 1e-12)) - wr * Math.log(Math.max(p[right], 1e-12));
        if (grad != null) {
            for (int k = 0; k < bins; k++) grad[k] += weight * p[k];
            grad[left] -= weight * wl;
            grad[right] -= weight * wr;
        }
        return l;
    }
}
