package dev.cvkit.optim;

import dev.cvkit.nn.Module;

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
    private final float[][] m, v;
    private int t;

    public static Adam adam(List<Tensor> params, float lr, float weightDecay) {
        return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, false);
    }

    public static Adam adamW(List<Tensor> params, float lr, float weightDecay) {
        return new Adam(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        super(params, lr);
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
            for (int i = 0; i < d.length; i++) {
                float gi = g[i];
                if (decoupled) {
                    d[i] *= 1 - lr * weightDecay;
                } else {
                    gi += weightDecay * d[i];
                }
                mk[i] = beta1 * mk[i] + (1 - beta1) * gi;
                vk[i] = beta2 * vk[i] + (1 - beta2) * gi * gi;
                float denom = (float) Math.sqrt(vk[i]) / bc2Sqrt + eps;
                d[i] -= stepSize * mk[i] / denom;
            }
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
