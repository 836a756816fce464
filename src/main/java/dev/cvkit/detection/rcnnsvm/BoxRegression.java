package dev.cvkit.detection.rcnnsvm;

import dev.cvkit.detection.targets.BoxCoder;

/**
 * R-CNN's class-specific bounding-box regression (Girshick et al. 2014, appendix C): for a
 * proposal P and its ground truth G, the targets are t = ((G_x − P_x)/P_w, (G_y − P_y)/P_h,
 * ln(G_w/P_w), ln(G_h/P_h)) (centres, widths, heights), and each of the four is a ridge
 * regression on the proposal's CNN features, {@code min_w Σ(t − wᵀφ − b)² + λ‖w‖²} (the bias
 * is not penalised). The fit solves the normal equations of the centred data by Cholesky.
 */
public final class BoxRegression {
    /** The R-CNN parametrisation, unweighted (the box heads of Fast/Faster R-CNN scale it by 10, 10, 5, 5). */
    public static final BoxCoder CODER = new BoxCoder(1, 1, 1, 1);

    /** One class's regressor: deltas = weight · φ + bias; weight is [4, dim] row-major. */
    public record Fit(float[] weight, float[] bias) {
        public float[] deltas(float[] features, int offset, int dim) {
            float[] d = new float[4];
            for (int t = 0; t < 4; t++) {
                double s = bias[t];
                for (int j = 0; j < dim; j++) s += (double) weight[t * dim + j] * features[offset + j];
                d[t] = (float) s;
            }
            return d;
        }
    }

    private BoxRegression() {}

    /** The (dx, dy, dw, dh) that move {@code proposal} onto {@code truth}, both x1, y1, x2, y2. */
    public static float[] targets(float[] truth, float[] proposal) {
        return CODER.encode(truth, proposal);
    }

    /** The box that {@code deltas} make of {@code proposal}. */
    public static float[] apply(float[] deltas, float[] proposal) {
        return CODER.decode(deltas, proposal);
    }

    /**
     * Ridge regression of {@code y} ([n, k] row-major) on rows {@code rows} of {@code x}
     * ([*, dim]); returns [k, dim] weights then k biases, as one {@link Fit} when k = 4.
     */
    public static double[][] ridge(float[] x, int dim, int[] rows, double[] y, int k, double lambda) {
        int n = rows.length;
        if (y.length != n * k) throw new IllegalArgumentException("ridge: " + n + " rows but " + y.length + " targets for " + k + " outputs");
        if (!(lambda > 0)) throw new IllegalArgumentException("ridge: lambda must be positive");
        double[] mx = new double[dim], my = new double[k];
        for (int i = 0; i < n; i++) {
            int o = rows[i] * dim;
            for (int j = 0; j < dim; j++) mx[j] += x[o + j];
            for (int t = 0; t < k; t++) my[t] += y[i * k + t];
        }
        for (int j = 0; j < dim; j++) mx[j] /= Math.max(1, n);
        for (int t = 0; t < k; t++) my[t] /= Math.max(1, n);
        double[] a = new double[dim * dim], rhs = new double[dim * k];
        double[] xc = new double[dim];
        for (int i = 0; i < n; i++) {
            int o = rows[i] * dim;
            for (int j = 0; j < dim; j++) xc[j] = x[o + j] - mx[j];
            for (int j = 0; j < dim; j++) {
                double v = xc[j];
                if (v == 0) continue;
                int r = j * dim;
                for (int l = 0; l <= j; l++) a[r + l] += v * xc[l];
                for (int t = 0; t < k; t++) rhs[j * k + t] += v * (y[i * k + t] - my[t]);
            }
        }
        for (int j = 0; j < dim; j++) {
            a[j * dim + j] += lambda;
            for (int l = 0; l < j; l++) a[l * dim + j] = a[j * dim + l];
        }
        double[] w = Cholesky.solve(a, dim, rhs, k);
        double[][] out = new double[2][];
        out[0] = new double[k * dim];
        out[1] = new double[k];
        for (int t = 0; t < k; t++) {
            double b = my[t];
            for (int j = 0; j < dim; j++) {
                out[0][t * dim + j] = w[j * k + t];
                b -= w[j * k + t] * mx[j];
            }
            out[1][t] = b;
        }
        return out;
    }

    /** The four-output ridge fit as a {@link Fit}. */
    public static Fit fit(float[] x, int dim, int[] rows, double[] targets, double lambda) {
        double[][] r = ridge(x, dim, rows, targets, 4, lambda);
        float[] w = new float[4 * dim], b = new float[4];
        for (int i = 0; i < w.length; i++) w[i] = (float) r[0][i];
        for (int t = 0; t < 4; t++) b[t] = (float) r[1][t];
        return new Fit(w, b);
    }

    /** Solves symmetric positive definite systems. */
    static final class Cholesky {
        private Cholesky() {}

        /** A·X = B for A [d, d] (symmetric positive definite, overwritten) and B [d, k]; returns X [d, k]. */
        static double[] solve(double[] a, int d, double[] b, int k) {
            for (int j = 0; j < d; j++) {
                double s = a[j * d + j];
                for (int l = 0; l < j; l++) s -= a[j * d + l] * a[j * d + l];
                if (!(s > 0)) throw new IllegalArgumentException("ridge: the system is not positive definite");
                double ljj = Math.sqrt(s);
                a[j * d + j] = ljj;
                for (int i = j + 1; i < d; i++) {
                    double t = a[i * d + j];
                    for (int l = 0; l < j; l++) t -= a[i * d + l] * a[j * d + l];
                    a[i * d + j] = t / ljj;
                }
            }
            double[] x = b.clone();
            for (int c = 0; c < k; c++) {
                for (int i = 0; i < d; i++) {
                    double t = x[i * k + c];
                    for (int l = 0; l < i; l++) t -= a[i * d + l] * x[l * k + c];
                    x[i * k + c] = t / a[i * d + i];
                }
                for (int i = d - 1; i >= 0; i--) {
                    double t = x[i * k + c];
                    for (int l = i + 1; l < d; l++) t -= a[l * d + i] * x[l * k + c];
                    x[i * k + c] = t / a[i * d + i];
                }
            }
            return x;
        }
    }
}
