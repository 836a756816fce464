package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * 2-D convolution, [N, in, H, W] → [N, out, Ho, Wo]. Parameters {@code weight}
 * [out, in/groups, kh, kw] and optional {@code bias} [out]; groups = in = out is depthwise.
 */
public class Conv2d extends Module {
    public final int in, out, kh, kw, stride, padding, dilation, groups;
    public final Tensor weight;
    public Tensor bias;

    public Conv2d(int in, int out, int k) { this(in, out, k, 1, 0, 1, 1, true); }

    public Conv2d(int in, int out, int k, int stride, int padding) { this(in, out, k, stride, padding, 1, 1, true); }

    public Conv2d(int in, int out, int k, int stride, int padding, int dilation, int groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("channels " + in + "→" + out + " not divisible by groups " + groups);
        }
        this.in = in;
        this.out = out;
        this.kh = k;
        this.kw = k;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.weight = param("weight", Tensor.zeros(out, in / groups, k, k));
        this.bias = bias ? param("bias", Tensor.zeros(out)) : null;
        Init.defaultLayer(weight, this.bias);
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Conv.conv2d(x, weight, bias, stride, stride, padding, padding, dilation, dilation, groups);
    }

    @Override
    public long macs(Tensor y) {
        return (long) y.numel() * (in / groups) * kh * kw;
    }
}
