package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** Fully connected layer, [N, in] → [N, out]: {@code weight} [out, in], {@code bias} [out]. */
public class Linear extends Module {
    public final int in, out;
    public final Tensor weight;
    public final Tensor bias;
    /** The weight off-heap for calls that record nothing (a 512 → 1000 classifier copied 2 MB per call). */
    private final InferenceWeights inferenceWeights;

    public Linear(int in, int out) { this(in, out, true); }

    public Linear(int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Tensor.zeros(out, in));
        this.bias = bias ? param("bias", Tensor.zeros(out)) : null;
        Init.defaultLayer(weight, this.bias);
        this.inferenceWeights = new InferenceWeights(weight, out, in, 1);
    }

    @Override
    protected Tensor compute(Tensor x) {
        Tensor x2 = x.dim() == 2 ? x : x.flatten();
        if (Tensor.gradEnabled() || x2.size(1) != in) return Functional.linear(x2, weight, bias);
        // no recording: Functional.linear's product with the weight's cached off-heap copy
        int n = x2.size(0);
        float[] y = new float[n * out];
        LinearKernel.forward(x2.data(), weight.data(), inferenceWeights.get(false), bias == null ? null : bias.data(), y, n, in, out);
        return Tensor.of(y, n, out);
    }

    @Override
    public long macs(Tensor y) { return (long) y.size(0) * in * out; }
}
