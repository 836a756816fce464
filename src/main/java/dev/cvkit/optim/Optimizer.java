package dev.cvkit.optim;

import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. Call order: construct with the parameters →
 * per step: {@link #zeroGrad()}, forward, backward, {@link #step()}. Per-parameter state
 * (momentum etc.) is kept in arrays indexed like the parameter list, exposed by
 * {@link #state()} for checkpoints.
 */
public abstract class Optimizer {
    protected final List<Tensor> params;
    protected float lr;

    protected Optimizer(List<Tensor> params, float lr) {
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    /** Applies one update to every parameter that has a gradient. */
    public abstract void step();

    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    public float lr() { return lr; }

    public void setLr(float lr) { this.lr = lr; }

    /** Named state arrays (e.g. "momentum.3") for checkpoints; loaded back with {@link #loadState}. */
    public abstract Map<String, float[]> state();

    /** Restores arrays saved by {@link #state()}. */
    public void loadState(Map<String, float[]> saved) {
        Map<String, float[]> mine = state();
        for (Map.Entry<String, float[]> e : saved.entrySet()) {
            float[] dst = mine.get(e.getKey());
            if (dst != null && dst.length == e.getValue().length) {
                System.arraycopy(e.getValue(), 0, dst, 0, dst.length);
            }
        }
    }

    /**
     * Scales all gradients so their global L2 norm is at most maxNorm (PyTorch's
     * clip_grad_norm_); returns the norm before clipping.
     */
    public static float clipGradNorm(List<Tensor> params, float maxNorm) {
        double s = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad()) s += (double) g * g;
        }
        float norm = (float) Math.sqrt(s);
        float coef = maxNorm / (norm + 1e-6f);
        if (coef < 1) {
            for (Tensor p : params) {
                if (p.grad() == null) continue;
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) g[i] *= coef;
            }
        }
        return norm;
    }

    /** Clamps every gradient value into [−clip, clip] (clip_grad_value_). */
    public static void clipGradValue(List<Tensor> params, float clip) {
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            float[] g = p.grad();
            for (int i = 0; i < g.length; i++) g[i] = Math.max(-clip, Math.min(clip, g[i]));
        }
    }
}
