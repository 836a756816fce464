package dev.cvkit.optim;

import dev.cvkit.nn.Module;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (torch.optim.Adam: L2 weight decay added to the gradient) and AdamW (decoupled decay
 * p ← p·(1 − lr·wd) before the update). m, v moments with bias correction.
 */
public final class Adam extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    /** Per parameter: whether weight decay applies (detection recipes exempt biases and norms). */
    private final boolean[] decays;
    private final float[][] m, v;
    private int t;

    public static Adam adam(List<Tensor> params, float lr, float weightDecay) {
        return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, false);
    }

    public static Adam adamW(List<Tensor> params, float lr, float weightDecay) {
        return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    /**
     * AdamW without decay on vectors (biases, norm scales and shifts), as torchvision's detection
     * references and Ultralytics group their parameters.
     */
    public static Adam adamWMatricesOnly(List<Tensor> params, float lr, float weightDecay) {
        Adam a = new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
        for (int k = 0; k < a.decays.length; k++) a.decays[k] = a.params.get(k).dim() > 1;
        return a;
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        super(params, lr);
        this.decays = new boolean[this.params.size()];
        java.util.Arrays.fill(decays, true);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = new float[this.params.size()][];
        this.v = new float[this.params.size()][];
    }

    @Override
    public void step() {
        Module.parametersChanged();
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int k = 0; k < params.size(); k++) {
            Tensor p = params.get(k);
            float[] g = p.grad(), d = p.data();
            if (g == null) continue;
            if (m[k] == null) {
                m[k] = new float[d.length];
                v[k] = new float[d.length];
            }
            float[] mk = m[k], vk = v[k];
            float wd = decays[k] ? weightDecay : 0f;
            // element-wise, so any split gives the same bits; a detector's 15 M parameters kept one core busy
            Parallel.forRange(d.length, (from, to) -> update(d, g, mk, vk, from, to, wd, stepSize, bc2Sqrt));
        }
    }

    private void update(float[] d, float[] g, float[] mk, float[] vk, int from, int to, float wd, float stepSize, float bc2Sqrt) {
        for (int i = from; i < to; i++) {
            float gi = g[i];
            if (decoupled) {
                d[i] *= 1 - lr * wd;
            } else {
                gi += wd * d[i];
            }
            mk[i] = beta1 * mk[i] + (1 - beta1) * gi;
            vk[i] = beta2 * vk[i] + (1 - beta2) * gi * gi;
            float denom = (float) Math.sqrt(vk[i]) / bc2Sqrt + eps;
            d[i] -= stepSize * mk[i] / denom;
        }
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("step", new float[] {t});
        for (int k = 0; k < m.length; k++) {
            if (m[k] != null) {
                s.put("exp_avg." + k, m[k]);
                s.put("exp_avg_sq." + k, v[k]);
            }
        }
        return s;
    }

    @Override
    public void loadState(Map<String, float[]> saved) {
        for (int k = 0; k < m.length; k++) {
            if (saved.containsKey("exp_avg." + k) && m[k] == null) {
                m[k] = new float[params.get(k).numel()];
                v[k] = new float[params.get(k).numel()];
            }
        }
        super.loadState(saved);
        if (saved.containsKey("step")) t = (int) saved.get("step")[0];
    }
}
