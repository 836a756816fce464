package dev.cvkit.detection.rcnnsvm;

import java.util.List;

/**
 * Platt scaling (Platt 1999; the Newton method of Lin, Lin and Weng 2007): the sigmoid
 * p = 1 / (1 + exp(−(A·m + B))) that best predicts the labels from the SVM margins m, by
 * maximum likelihood with Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2), which keep A
 * finite on separable data.
 */
final class Platt {
    private Platt() {}

    /** (A, B); (1, 0), the plain logistic, when a label is absent. */
    static double[] fit(List<Double> margins, List<Boolean> labels) {
        int n = margins.size(), pos = 0;
        for (boolean l : labels) if (l) pos++;
        int neg = n - pos;
        if (pos == 0 || neg == 0) return new double[] {1, 0};
        double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (neg + 2.0);
        double a = 0, b = Math.log((neg + 1.0) / (pos + 1.0)) * -1;
        double sigma = 1e-12;
        for (int it = 0; it < 100; it++) {
            double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
            for (int i = 0; i < n; i++) {
                double m = margins.get(i), t = labels.get(i) ? hi : lo;
                double p = 1 / (1 + Math.exp(-(a * m + b)));
                double d2 = p * (1 - p);
                h11 += m * m * d2;
                h22 += d2;
                h21 += m * d2;
                double d1 = p - t;
                g1 += m * d1;
                g2 += d1;
            }
            if (Math.abs(g1) < 1e-7 * n && Math.abs(g2) < 1e-7 * n) break;
            double det = h11 * h22 - h21 * h21;
            double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
            double before = loss(margins, labels, a, b, hi, lo), step = 1;
            while (step > 1e-10 && loss(margins, labels, a + step * da, b + step * db, hi, lo) > before + 1e-4 * step * (g1 * da + g2 * db)) {
                step /= 2;
            }
            a += step * da;
            b += step * db;
        }
        return new double[] {a, b};
    }

    /** The cross-entropy of the sigmoid against the smoothed targets. */
    static double loss(List<Double> margins, List<Boolean> labels, double a, double b, double hi, double lo) {
        double f = 0;
        for (int i = 0; i < margins.size(); i++) {
            double z = a * margins.get(i) + b, t = labels.get(i) ? hi : lo;
            // −t·log σ(z) − (1 − t)·log(1 − σ(z)), written to stay finite for large |z|
            f += z >= 0 ? t * Math.log1p(Math.exp(-z)) + (1 - t) * (z + Math.log1p(Math.exp(-z)))
                    : t * (-z + Math.log1p(Math.exp(z))) + (1 - t) * Math.log1p(Math.exp(z));
        }
        return f;
    }
}
