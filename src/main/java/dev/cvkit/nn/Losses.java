package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * Loss functions, each returning a one-element tensor (mean reduction, as PyTorch's defaults)
 * with its backward beside it. Targets are plain tensors (class indices stored as floats).
 */
public final class Losses {
    private Losses() {}

    /**
     * Cross-entropy of logits x [N, C] with class targets t [N] (indices; {@code ignoreIndex}
     * rows count for nothing), optional class weights [C] (null = 1) and label smoothing ε:
     * per row (1−ε)·w[y]·(−log p_y) + ε/C·Σ_c w[c]·(−log p_c), summed and divided by Σ w[y] over
     * the rows not ignored — PyTorch's F.cross_entropy.
     */
    public static Tensor crossEntropy(Tensor x, Tensor t, float[] weight, int ignoreIndex, float smoothing) {
        int n = x.size(0), c = x.size(1);
        float[] d = x.data(), td = t.data();
        float[] logp = new float[n * c];
        double total = 0, denom = 0;
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, d[i * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(d[i * c + j] - max);
            float lse = (float) (max + Math.log(s));
            for (int j = 0; j < c; j++) logp[i * c + j] = d[i * c + j] - lse;
            int y = (int) td[i];
            if (y == ignoreIndex) continue;
            if (y < 0 || y >= c) {
                throw new IllegalArgumentException("cross_entropy: target " + y + " outside [0, " + c + ")");
            }
            float wy = weight == null ? 1f : weight[y];
            denom += wy;
            total += (1 - smoothing) * wy * -logp[i * c + y];
            if (smoothing > 0) {
                double sm = 0;
                for (int j = 0; j < c; j++) sm += (weight == null ? 1f : weight[j]) * -logp[i * c + j];
                total += smoothing / c * sm;
            }
        }
        final double den = denom;
        Tensor out = Tensor.result(new float[] {(float) (den == 0 ? Float.NaN : total / den)}, new int[0], x);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                float g0 = (float) (out.grad()[0] / den);
                float[] g = x.gradBuffer();
                for (int i = 0; i < n; i++) {
                    int y = (int) td[i];
                    if (y == ignoreIndex) continue;
                    float wy = weight == null ? 1f : weight[y];
                    // d/dx_j of −log p_k is p_j − δ_jk
                    double wsum = 0;
                    if (smoothing > 0) {
                        for (int j = 0; j < c; j++) wsum += weight == null ? 1f : weight[j];
                    }
                    for (int j = 0; j < c; j++) {
                        float pj = (float) Math.exp(logp[i * c + j]);
                        float v = (1 - smoothing) * wy * (pj - (j == y ? 1f : 0f));
                        if (smoothing > 0) {
                            v += smoothing / c * (float) (wsum * pj - (weight == null ? 1f : weight[j]));
                        }
                        g[i * c + j] += g0 * v;
                    }
                }
            });
        }
        return out;
    }

    /** Plain cross-entropy (no weights, no ignored rows, no smoothing). */
    public static Tensor crossEntropy(Tensor x, Tensor t) {
        return crossEntropy(x, t, null, -100, 0f);
    }

    /** mean(max(x,0) − x·t + log(1 + e^−|x|)): binary cross-entropy on logits, stable. */
    public static Tensor bceWithLogits(Tensor x, Tensor t) {
        float[] d = x.data(), td = t.data();
        double s = 0;
        for (int i = 0; i < d.length; i++) {
            float v = d[i];
            s += Math.max(v, 0) - v * td[i] + Math.log1p(Math.exp(-Math.abs(v)));
        }
        int n = d.length;
        Tensor out = Tensor.result(new float[] {(float) (s / n)}, new int[0], x);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                float g0 = out.grad()[0] / n;
                float[] g = x.gradBuffer();
                for (int i = 0; i < n; i++) g[i] += g0 * ((float) (1 / (1 + Math.exp(-d[i]))) - td[i]);
            });
        }
        return out;
    }

    /** Smooth L1 (Huber with threshold β): 0.5·d²/β if |d| < β else |d| − 0.5β, mean. */
    public static Tensor smoothL1(Tensor x, Tensor t, float beta) {
        float[] d = x.data(), td = t.data();
        double s = 0;
        for (int i = 0; i < d.length; i++) {
            float e = Math.abs(d[i] - td[i]);
            s += e < beta ? 0.5 * e * e / beta : e - 0.5 * beta;
        }
        int n = d.length;
        Tensor out = Tensor.result(new float[] {(float) (s / n)}, new int[0], x);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                float g0 = out.grad()[0] / n;
                float[] g = x.gradBuffer();
                for (int i = 0; i < n; i++) {
                    float e = d[i] - td[i];
                    g[i] += g0 * (Math.abs(e) < beta ? e / beta : Math.signum(e));
                }
            });
        }
        return out;
    }

    /**
     * Mean absolute error (PyTorch's l1_loss): smooth L1 with β = 0, whose quadratic part is
     * empty; the gradient is sign(x − t), 0 where equal, as torch's.
     */
    public static Tensor l1(Tensor x, Tensor t) {
        return smoothL1(x, t, 0f);
    }

    /** Mean squared error. */
    public static Tensor mse(Tensor x, Tensor t) {
        float[] d = x.data(), td = t.data();
        double s = 0;
        for (int i = 0; i < d.length; i++) s += (double) (d[i] - td[i]) * (d[i] - td[i]);
        int n = d.length;
        Tensor out = Tensor.result(new float[] {(float) (s / n)}, new int[0], x);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                float g0 = out.grad()[0] / n;
                float[] g = x.gradBuffer();
                for (int i = 0; i < n; i++) g[i] += g0 * 2 * (d[i] - td[i]);
            });
        }
        return out;
    }

    /**
     * Sigmoid focal loss (RetinaNet; torchvision.ops.sigmoid_focal_loss, mean):
     * ce·(1 − p_t)^γ·α_t with p_t = p·t + (1−p)(1−t), α_t = α·t + (1−α)(1−t); α < 0 disables α_t.
     */
    public static Tensor focal(Tensor x, Tensor t, float alpha, float gamma) {
        float[] d = x.data(), td = t.data();
        int n = d.length;
        double s = 0;
        for (int i = 0; i < n; i++) {
            float v = d[i], y = td[i];
            double p = 1 / (1 + Math.exp(-v));
            double ce = Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
            double pt = p * y + (1 - p) * (1 - y);
            double at = alpha >= 0 ? alpha * y + (1 - alpha) * (1 - y) : 1;
            s += at * ce * Math.pow(1 - pt, gamma);
        }
        Tensor out = Tensor.result(new float[] {(float) (s / n)}, new int[0], x);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                double g0 = out.grad()[0] / (double) n;
                float[] g = x.gradBuffer();
                for (int i = 0; i < n; i++) {
                    float v = d[i], y = td[i];
                    double p = 1 / (1 + Math.exp(-v));
                    double ce = Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
                    double pt = p * y + (1 - p) * (1 - y);
                    double at = alpha >= 0 ? alpha * y + (1 - alpha) * (1 - y) : 1;
                    double dce = p - y;                    // d ce / dv
                    double dpt = p * (1 - p) * (2 * y - 1); // d p_t / dv
                    double mod = Math.pow(1 - pt, gamma);
                    double dmod = gamma == 0 ? 0 : -gamma * Math.pow(1 - pt, gamma - 1) * dpt;
                    g[i] += (float) (g0 * at * (dce * mod + ce * dmod));
                }
            });
        }
        return out;
    }

    /**
     * Multi-class hinge loss (R-CNN's SVMs; PyTorch's multi_margin_loss with p = 1):
     * per row Σ_{j≠y} max(0, margin − x_y + x_j) / C, mean over rows.
     */
    public static Tensor multiMargin(Tensor x, Tensor t, float margin) {
        int n = x.size(0), c = x.size(1);
        float[] d = x.data(), td = t.data();
        double s = 0;
        for (int i = 0; i < n; i++) {
            int y = (int) td[i];
            for (int j = 0; j < c; j++) {
                if (j != y) s += Math.max(0, margin - d[i * c + y] + d[i * c + j]);
            }
        }
        Tensor out = Tensor.result(new float[] {(float) (s / c / n)}, new int[0], x);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                float g0 = out.grad()[0] / c / n;
                float[] g = x.gradBuffer();
                for (int i = 0; i < n; i++) {
                    int y = (int) td[i];
                    for (int j = 0; j < c; j++) {
                        if (j != y && margin - d[i * c + y] + d[i * c + j] > 0) {
                            g[i * c + j] += g0;
                            g[i * c + y] -= g0;
                        }
                    }
                }
            });
        }
        return out;
    }
}
