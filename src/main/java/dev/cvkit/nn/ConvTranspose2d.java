package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * Transposed convolution, [N, in, H, W] → [N, out, (H−1)s − 2p + d(k−1) + output_padding + 1, …].
 * Parameters {@code weight} [in, out/groups, k, k] and optional {@code bias} [out].
 */
public class ConvTranspose2d extends Module {
    public final int in, out, k, stride, padding, outputPadding, dilation, groups;
    public final Tensor weight;
    public final Tensor bias;

    public ConvTranspose2d(int in, int out, int k, int stride, int padding, int outputPadding, int groups,
                           boolean bias, int dilation) {
        this.in = in;
        this.out = out;
        this.k = k;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.dilation = dilation;
        this.groups = groups;
        this.weight = param("weight", Tensor.zeros(in, out / groups, k, k));
        this.bias = bias ? param("bias", Tensor.zeros(out)) : null;
        // PyTorch computes fan_in from weight.size(1) here, which the generic rule does too
        Init.defaultLayer(weight, this.bias);
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Conv.convTranspose2d(x, weight, bias, stride, stride, padding, padding, outputPadding, outputPadding,
                dilation, dilation, groups);
    }

    @Override
    public long macs(Tensor y) {
        return (long) y.numel() / Math.max(1, stride * stride) * (in / groups) * k * k;
    }
}
