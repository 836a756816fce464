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
    /**
     * Inference's off-heap forms of the weight (as stored, tap-major, Winograd-transformed),
     * rebuilt when parameters were declared changed: at batch 1 copying every layer's weights
     * cost as much as a tenth of resnet18's forward, and the Winograd transform is redone
     * per call (RetinaNet's head: five pyramid levels per batch) otherwise.
     */
    private final InferenceWeights inferenceWeights;

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
        this.inferenceWeights = new InferenceWeights(weight, out, in / groups, k * k);
    }

    @Override
    protected Tensor compute(Tensor x) {
        // calls that record no gradient read the weight's cached off-heap forms
        Conv.OffHeapWeights cached = Tensor.gradEnabled() && weight.requiresGrad() ? null : inferenceWeights;
        return Conv.conv2d(x, weight, cached, bias, stride, stride, padding, padding, dilation, dilation, groups);
    }

    /**
     * Inference-only conv → BatchNorm (eval statistics, may be null) → clamp to [lo, hi] in one
     * pass; see {@link Conv#conv2dFused}. Records no gradient.
     */
    public Tensor forwardFused(Tensor x, BatchNorm bn, float lo, float hi) {
        return forwardFused(x, bn, null, lo, hi);
    }

    /**
     * As above with {@code residual} (the output's shape, may be null) added after the
     * BatchNorm and before the clamp: a ResNet block's relu(bn2(conv2(·)) + shortcut).
     */
    public Tensor forwardFused(Tensor x, BatchNorm bn, Tensor residual, float lo, float hi) {
        return forwardFused(x, bn, residual, lo, hi, null);
    }

    /**
     * conv → BatchNorm (may be null) → + residual (may be null) → {@code act} in one pass:
     * null (none), a clamp (ReLU, ReLU6, identity), Hardswish or Hardsigmoid (any other runs as its
     * own pass after). Records no gradient.
     */
    public Tensor forwardFused(Tensor x, BatchNorm bn, Tensor residual, Activation act) {
        if (act == null) return forwardFused(x, bn, residual, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, null);
        float[] range = act.clampRange();
        if (range != null) return forwardFused(x, bn, residual, range[0], range[1], null);
        if (fuses(act)) return forwardFused(x, bn, residual, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, act.kind());
        Tensor y = forwardFused(x, bn, residual, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, null);
        Tensor z = act.forward(y);
        dev.cvkit.tensor.BufferPool.release(y, z);
        return z;
    }

    /** Whether {@link #forwardFused(Tensor, BatchNorm, Tensor, Activation)} takes {@code act} into the convolution's pass. */
    static boolean fuses(Activation act) {
        return act.clampRange() != null || act.kind() == Activation.Kind.HARDSWISH || act.kind() == Activation.Kind.HARDSIGMOID;
    }

    private Tensor forwardFused(Tensor x, BatchNorm bn, Tensor residual, float lo, float hi, Activation.Kind act) {
        float[] scale = null, shift = null;
        if (bn != null) {
            scale = new float[out];
            shift = new float[out];
            float[] g = bn.weight.data(), b = bn.bias.data(), m = bn.runningMean.data(), v = bn.runningVar.data();
            for (int o = 0; o < out; o++) {
                scale[o] = g[o] / (float) Math.sqrt(v[o] + bn.eps);
                shift[o] = b[o] - m[o] * scale[o] + (bias == null ? 0f : bias.data()[o] * scale[o]);
            }
        } else if (bias != null) {
            shift = bias.data();
        }
        return Conv.conv2dFused(x, weight, inferenceWeights, scale, shift, residual, lo, hi, act, stride, stride, padding, padding,
                dilation, dilation, groups);
    }

    @Override
    public long macs(Tensor y) {
        return (long) y.numel() * (in / groups) * kh * kw;
    }
}
