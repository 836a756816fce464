package dev.cvkit.models;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Tensor;

/**
 * MobileNet v3 Large's feature layers (Howard et al. 2019) in torchvision's layout and names,
 * {@code features.0 … 16}: a 3×3 stride-2 convolution to 16 channels (Hardswish), fifteen
 * inverted residuals of torchvision's block table (1×1 expansion, k×k depthwise, optional
 * squeeze-excitation with a Hardsigmoid gate, linear 1×1 projection; ReLU or Hardswish) and a 1×1
 * convolution to 960 channels. Width 1.0; with {@code reducedTail} the last three blocks and the
 * final convolution have half the channels (the paper's Table 6; torchvision's detectors use it
 * when no pretrained backbone is given). Every BatchNorm has the caller's eps and momentum.
 */
public final class MobileNetV3 {
    private MobileNetV3() {}

    /** One row of the block table: input, kernel, expanded, output channels, squeeze-excitation, Hardswish, stride. */
    private record Row(int in, int kernel, int expanded, int out, boolean se, boolean hs, int stride) {}

    /** The index of the block that opens the stride-32 stage (its expansion output is SSDLite's C4, at stride 16). */
    public static final int C4 = 13;

    /** @return features.0 … 16; feature 16 has {@link #lastChannels} channels */
    public static Sequential largeFeatures(boolean reducedTail, float bnEps, float bnMomentum) {
        int t = reducedTail ? 2 : 1;
        Row[] rows = {
            new Row(16, 3, 16, 16, false, false, 1),
            new Row(16, 3, 64, 24, false, false, 2),
            new Row(24, 3, 72, 24, false, false, 1),
            new Row(24, 5, 72, 40, true, false, 2),
            new Row(40, 5, 120, 40, true, false, 1),
            new Row(40, 5, 120, 40, true, false, 1),
            new Row(40, 3, 240, 80, false, true, 2),
            new Row(80, 3, 200, 80, false, true, 1),
            new Row(80, 3, 184, 80, false, true, 1),
            new Row(80, 3, 184, 80, false, true, 1),
            new Row(80, 3, 480, 112, true, true, 1),
            new Row(112, 3, 672, 112, true, true, 1),
            new Row(112, 5, 672, 160 / t, true, true, 2),
            new Row(160 / t, 5, 960 / t, 160 / t, true, true, 1),
            new Row(160 / t, 5, 960 / t, 160 / t, true, true, 1),
        };
        Sequential f = new Sequential(convNormAct(3, 16, 3, 2, 1, bnEps, bnMomentum, Activation.hardswish()));
        for (Row r : rows) f.add(new Block(r, bnEps, bnMomentum));
        int last = rows[rows.length - 1].out;
        f.add(convNormAct(last, lastChannels(reducedTail), 1, 1, 1, bnEps, bnMomentum, Activation.hardswish()));
        return f;
    }

    /** Channels of the final 1×1 convolution: 960, or 480 with the reduced tail. */
    public static int lastChannels(boolean reducedTail) { return reducedTail ? 480 : 960; }

    /** Channels of block {@link #C4}'s expansion (672 either way). */
    public static final int C4_EXPANDED = 672;

    /** torchvision's Conv2dNormActivation: conv (no bias, kaiming-normal fan-out) "0", BatchNorm "1", activation "2" (if any). */
    static Sequential convNormAct(int in, int out, int k, int stride, int groups, float eps, float momentum, Activation act) {
        Conv2d c = new Conv2d(in, out, k, stride, (k - 1) / 2, 1, groups, false);
        Init.kaimingNormal(c.namedParameters().get("weight"), 0f, true);
        Sequential s = new Sequential(c, new BatchNorm(out, eps, momentum, true));
        if (act != null) s.add(act);
        return s;
    }

    /** torchvision's _make_divisible(v, 8): the nearest multiple of 8, at least 8 and not below 90 % of v. */
    static int divisible8(int v) {
        int n = Math.max(8, (v + 4) / 8 * 8);
        return n < 0.9 * v ? n + 8 : n;
    }

    /**
     * MobileNet v3's inverted residual (torchvision's {@code InvertedResidual}, names {@code block.i}):
     * expansion (when it widens), depthwise, squeeze-excitation (when the row has it), projection;
     * the input is added back when the stride is 1 and the width unchanged.
     */
    public static final class Block extends Module {
        private final Sequential block;
        private final boolean residual;

        Block(Row r, float eps, float momentum) {
            block = child("block", new Sequential());
            if (r.expanded != r.in) {
                block.add(convNormAct(r.in, r.expanded, 1, 1, 1, eps, momentum, r.hs ? Activation.hardswish() : Activation.relu()));
            }
            block.add(convNormAct(r.expanded, r.expanded, r.kernel, r.stride, r.expanded, eps, momentum,
                    r.hs ? Activation.hardswish() : Activation.relu()));
            if (r.se) block.add(new Blocks.SqueezeExcitation(r.expanded, divisible8(r.expanded / 4), Activation.Kind.HARDSIGMOID));
            block.add(convNormAct(r.expanded, r.out, 1, 1, 1, eps, momentum, null));
            residual = r.stride == 1 && r.in == r.out;
        }

        /** The layers in order (the expansion first, when there is one). */
        public Sequential layers() { return block; }

        public boolean residual() { return residual; }

        @Override
        protected Tensor compute(Tensor x) {
            if (fusedInference()) return fused(x);
            Tensor y = block.forward(x);
            return residual ? x.add(y) : y;
        }

        /**
         * Inference: each conv → BatchNorm → activation as one op (Hardswish too), the
         * squeeze-excitation in place on the depthwise output, and the residual added in the
         * projection's pass; intermediates go back to the {@link BufferPool}. Same values as the
         * separate layers.
         */
        private Tensor fused(Tensor x) {
            Module[] layers = block.children().values().toArray(new Module[0]);
            Tensor h = x;
            for (int i = 0; i < layers.length; i++) {
                Tensor in = h;
                if (layers[i] instanceof Blocks.SqueezeExcitation se && h != x) {
                    se.scaleInPlace(h); // h is the depthwise output, read by nothing else
                    continue;
                }
                boolean last = i == layers.length - 1;
                h = layers[i] instanceof Sequential s ? convNormAct(s, h, last && residual ? x : null) : layers[i].forward(h);
                if (in != x) BufferPool.release(in, h);
            }
            return h;
        }
    }

    /** Inference: a {@link #convNormAct} layer (conv "0", BatchNorm "1", activation "2" if any) as one fused op, plus residual (may be null). */
    static Tensor convNormAct(Sequential s, Tensor x, Tensor residual) {
        Conv2d conv = (Conv2d) s.children().get("0");
        BatchNorm bn = (BatchNorm) s.children().get("1");
        Module act = s.children().get("2");
        return conv.forwardFused(x, bn, residual, (Activation) act);
    }
}
