package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** Fully connected layer, [N, in] → [N, out]: {@code weight} [out, in], {@code bias} [out]. */
public class Linear extends Module {
    public final int in, out;
    public final Tensor weight;
    public final Tensor bias;

    public Linear(int in, int out) { this(in, out, true); }

    public Linear(int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Tensor.zeros(out, in));
        this.bias = bias ? param("bias", Tensor.zeros(out)) : null;
        Init.defaultLayer(weight, this.bias);
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Functional.linear(x.dim() == 2 ? x : x.flatten(), weight, bias);
    }

    @Override
    public long macs(Tensor y) { return (long) y.size(0) * in * out; }
}
