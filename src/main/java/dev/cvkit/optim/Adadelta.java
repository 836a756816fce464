package dev.cvkit.optim;

import dev.cvkit.nn.Module;

import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adadelta (torch.optim.Adadelta): E[g²] ← ρE[g²] + (1−ρ)g²; Δ = √(E[Δ²]+ε)/√(E[g²]+ε)·g;
 * E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²; p ← p − lr·Δ. Weight decay adds wd·p to g.
 */
public final class Adadelta extends Optimizer {
    private final float rho, eps, weightDecay;
    private final float[][] sq, acc;

    public Adadelta(List<Tensor> params, float lr, float rho, float eps, float weightDecay) {
        super(params, lr);
        this.rho = rho;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.sq = new float[this.params.size()][];
        this.acc = new float[this.params.size()][];
    }

    @Override
    public void step() {
        Module.parametersChanged();
        for (int k = 0; k < params.size(); k++) {
            Tensor p = params.get(k);
            float[] g = p.grad(), d = p.data();
            if (g == null) continue;
            if (sq[k] == null) {
                sq[k] = new float[d.length];
                acc[k] = new float[d.length];
            }
            for (int i = 0; i < d.length; i++) {
                float gi = g[i] + weightDecay * d[i];
                sq[k][i] = rho * sq[k][i] + (1 - rho) * gi * gi;
                float delta = (float) (Math.sqrt(acc[k][i] + eps) / Math.sqrt(sq[k][i] + eps)) * gi;
                acc[k][i] = rho * acc[k][i] + (1 - rho) * delta * delta;
                d[i] -= lr * delta;
            }
        }
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (int k = 0; k < sq.length; k++) {
            if (sq[k] != null) {
                s.put("square_avg." + k, sq[k]);
                s.put("acc_delta." + k, acc[k]);
            }
        }
        return s;
    }
}
