package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * Batch normalisation per channel of [N, C] (BatchNorm1d) or [N, C, H, W] (BatchNorm2d):
 * {@code weight}, {@code bias} [C]; buffers {@code running_mean}, {@code running_var} [C] and
 * {@code num_batches_tracked}. Training normalises with batch statistics and updates the running
 * ones (momentum 0.1 as PyTorch); eval uses the running ones.
 */
public class BatchNorm extends Module {
    public final int channels;
    public final float eps, momentum;
    public final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;
    private final boolean twoD;

    /** BatchNorm2d(channels). */
    public static BatchNorm bn2d(int channels) { return new BatchNorm(channels, 1e-5f, 0.1f, true); }

    /** BatchNorm1d(channels). */
    public static BatchNorm bn1d(int channels) { return new BatchNorm(channels, 1e-5f, 0.1f, false); }

    public BatchNorm(int channels, float eps, float momentum, boolean twoD) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.twoD = twoD;
        this.weight = param("weight", Tensor.full(1f, channels));
        this.bias = param("bias", Tensor.zeros(channels));
        this.runningMean = buffer("running_mean", Tensor.zeros(channels));
        this.runningVar = buffer("running_var", Tensor.full(1f, channels));
        this.numBatchesTracked = buffer("num_batches_tracked", Tensor.zeros());
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (x.size(1) != channels) {
            throw new IllegalArgumentException("BatchNorm(" + channels + ") got input " + x);
        }
        if (isTraining()) {
            numBatchesTracked.data()[0]++;
        }
        return Functional.batchNorm(x, runningMean.data(), runningVar.data(), weight, bias, isTraining(), momentum, eps);
    }

    /**
     * clamp(this(x) + residual, lo, hi) as one op (residual may be null, lo finite): BatchNorm →
     * ReLU/ReLU6, or ResNet's relu(bn2(·) + shortcut), in training without the activation's
     * separate passes; values and gradients equal the separate layers' (see
     * {@link Functional#batchNormAct}).
     */
    public Tensor forwardAct(Tensor x, Tensor residual, float lo, float hi) {
        if (x.size(1) != channels) {
            throw new IllegalArgumentException("BatchNorm(" + channels + ") got input " + x);
        }
        if (isTraining()) {
            numBatchesTracked.data()[0]++;
        }
        return Functional.batchNormAct(x, runningMean.data(), runningVar.data(), weight, bias, isTraining(), momentum, eps,
                residual, lo, hi);
    }

    @Override
    public String typeName() { return twoD ? "BatchNorm2d" : "BatchNorm1d"; }

    /**
     * Folds this (eval-mode) normalisation into the preceding convolution's weight and bias:
     * w' = w·γ/σ, b' = (b − μ)·γ/σ + β. Returns a new Conv2d; the originals are unchanged.
     */
    public Conv2d foldInto(Conv2d conv) {
        Conv2d f = new Conv2d(conv.in, conv.out, conv.kh, conv.stride, conv.padding, conv.dilation, conv.groups, true);
        int per = conv.weight.numel() / conv.out;
        float[] w = conv.weight.data(), fw = f.weight.data(), fb = f.bias.data();
        for (int o = 0; o < conv.out; o++) {
            float s = weight.data()[o] / (float) Math.sqrt(runningVar.data()[o] + eps);
            for (int i = 0; i < per; i++) fw[o * per + i] = w[o * per + i] * s;
            float b = conv.bias == null ? 0f : conv.bias.data()[o];
            fb[o] = (b - runningMean.data()[o]) * s + bias.data()[o];
        }
        return f;
    }
}
