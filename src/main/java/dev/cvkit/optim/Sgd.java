package dev.cvkit.optim;

import dev.cvkit.nn.Module;

import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD: g ← g + wd·p; with momentum μ:
 * b ← μ·b + (1 − dampening)·g (b = g on the first step); Nesterov uses g + μ·b; p ← p − lr·(update).
 */
public final class Sgd extends Optimizer {
    private final float momentum, weightDecay, dampening;
    private final boolean nesterov;
    private final float[][] buf;

    public Sgd(List<Tensor> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        this(params, lr, momentum, 0f, weightDecay, nesterov);
    }

    public Sgd(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(params, lr);
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buf = new float[this.params.size()][];
    }

    @Override
    public void step() {
        Module.parametersChanged();
        for (int k = 0; k < params.size(); k++) {
            Tensor p = params.get(k);
            float[] g = p.grad(), d = p.data();
            if (g == null) continue;
            boolean first = buf[k] == null;
            if (momentum != 0 && first) buf[k] = new float[d.length];
            float[] b = buf[k];
            for (int i = 0; i < d.length; i++) {
                float gi = g[i] + weightDecay * d[i];
                if (momentum != 0) {
                    b[i] = first ? gi : momentum * b[i] + (1 - dampening) * gi;
                    gi = nesterov ? gi + momentum * b[i] : b[i];
                }
                d[i] -= lr * gi;
            }
        }
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (int k = 0; k < buf.length; k++) {
            if (buf[k] != null) s.put("momentum." + k, buf[k]);
        }
        return s;
    }
}
