package dev.cvkit.detection.rcnnsvm;

import java.util.SplittableRandom;

/**
 * A linear SVM with the hinge loss, trained by dual coordinate descent (Hsieh, Chang, Lin,
 * Keerthi and Sundararajan, "A dual coordinate descent method for large-scale linear SVM", ICML
 * 2008; liblinear's L1-loss dual solver without shrinking). The primal is
 *
 * <pre>  min_w ½‖w‖² + Σ_i C_i · max(0, 1 − y_i · wᵀx̂_i),  x̂_i = (x_i, B)</pre>
 *
 * so the bias is the weight of a constant feature B and is regularised like the others, as in
 * liblinear's {@code -B} (R-CNN trains its SVMs with liblinear, B = 10). Its dual is
 * {@code max_α Σα_i − ½ αᵀQα, 0 ≤ α_i ≤ C_i, Q_ij = y_i y_j x̂_iᵀx̂_j}; each step solves it
 * exactly in one α_i and keeps {@code w = Σ y_i α_i x̂_i} up to date. It stops when the projected
 * gradient's spread is under {@code eps} (liblinear's criterion).
 */
public final class LinearSvm {
    /** A trained SVM: score(x) = w·x + bias. */
    public record Model(float[] w, float bias) {
        public double score(float[] x, int offset) {
            double s = bias;
            for (int j = 0; j < w.length; j++) s += (double) w[j] * x[offset + j];
            return s;
        }
    }

    /** The model, the passes made, and the primal and dual objectives (equal at the optimum). */
    public record Result(Model model, int passes, double primal, double dual) {}

    private final double costPositive, costNegative, biasFeature, eps;
    private final int maxPasses;

    /**
     * @param costPositive C for the samples with y = +1
     * @param costNegative C for y = −1 (R-CNN weights positives twice the negatives)
     * @param biasFeature  B, the constant feature whose weight is the bias (0: no bias)
     * @param eps          stop when max − min projected gradient is below this
     */
    public LinearSvm(double costPositive, double costNegative, double biasFeature, double eps, int maxPasses) {
        if (!(costPositive > 0 && costNegative > 0 && biasFeature >= 0 && eps > 0 && maxPasses > 0)) {
            throw new IllegalArgumentException("svm: costs, eps and passes must be positive, B not negative");
        }
        this.costPositive = costPositive;
        this.costNegative = costNegative;
        this.biasFeature = biasFeature;
        this.eps = eps;
        this.maxPasses = maxPasses;
    }

    /**
     * Trains on rows {@code rows[k]} of {@code x} (row-major, {@code dim} wide) with labels
     * {@code y[k]} (true: positive). The visiting order is shuffled from {@code seed}.
     */
    public Result train(float[] x, int dim, int[] rows, boolean[] y, long seed) {
        int n = rows.length;
        if (y.length != n) throw new IllegalArgumentException("svm: " + n + " rows, " + y.length + " labels");
        double b2 = biasFeature * biasFeature;
        double[] w = new double[dim + 1];
        double[] alpha = new double[n], qd = new double[n], cost = new double[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            int o = rows[i] * dim;
            double q = b2;
            for (int j = 0; j < dim; j++) q += (double) x[o + j] * x[o + j];
            qd[i] = q;
            cost[i] = y[i] ? costPositive : costNegative;
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int pass = 0;
        while (pass < maxPasses) {
            pass++;
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double maxPg = Double.NEGATIVE_INFINITY, minPg = Double.POSITIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                int i = order[k], o = rows[i] * dim;
                double yi = y[i] ? 1 : -1;
                double wx = w[dim] * biasFeature;
                for (int j = 0; j < dim; j++) wx += w[j] * x[o + j];
                double g = yi * wx - 1;
                double pg = alpha[i] == 0 ? Math.min(g, 0) : alpha[i] >= cost[i] ? Math.max(g, 0) : g;
                maxPg = Math.max(maxPg, pg);
                minPg = Math.min(minPg, pg);
                if (pg != 0 && qd[i] > 0) {
                    double old = alpha[i];
                    alpha[i] = Math.min(Math.max(old - g / qd[i], 0), cost[i]);
                    double d = (alpha[i] - old) * yi;
                    for (int j = 0; j < dim; j++) w[j] += d * x[o + j];
                    w[dim] += d * biasFeature;
                }
            }
            if (n == 0 || maxPg - minPg < eps) break;
        }
        float[] wf = new float[dim];
        double ww = 0;
        for (int j = 0; j <= dim; j++) ww += w[j] * w[j];
        for (int j = 0; j < dim; j++) wf[j] = (float) w[j];
        Model m = new Model(wf, (float) (w[dim] * biasFeature));
        double hinge = 0, sumAlpha = 0;
        for (int i = 0; i < n; i++) {
            double wx = w[dim] * biasFeature;
            int o = rows[i] * dim;
            for (int j = 0; j < dim; j++) wx += w[j] * x[o + j];
            hinge += cost[i] * Math.max(0, 1 - (y[i] ? 1 : -1) * wx);
            sumAlpha += alpha[i];
        }
        return new Result(m, pass, 0.5 * ww + hinge, sumAlpha - 0.5 * ww);
    }
}
