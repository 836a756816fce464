package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;

import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Conv;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's SSD face detector: a MobileNetV1 backbone (a 3×3 conv, then 13 depthwise-separable
 * blocks with batch norm and ReLU6), eight extra feature convs, and six box predictors (1×1 convs
 * on the 32², 16², 8², 4², 2² and 1² maps) over 5118 anchors; input 512×512 RGB scaled to [-1, 1].
 *
 * <p>TensorFlow's 'same' padding is asymmetric for stride 2 (nothing before, one after), so 3×3
 * layers pad explicitly and convolve without padding. Parameter names:
 * {@code backbone.conv0}, {@code backbone.blocks.I.{dw,bn,pw}} (I = 1..13), {@code extras.J}
 * (J = 0..7), {@code heads.K.{box,cls}} (K = 0..5), buffer {@code anchors} [5118, 4]
 * ({@code [ymin, xmin, ymax, xmax]} normalised).
 */
public final class SsdMobileNetV1Face extends Module {
    public static final int INPUT = 512;
    public static final int ANCHORS = 5118;
    static final float BN_EPS = 0.0010000000474974513f;
    private static final int[] CHANNELS = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
    private static final int[][] EXTRAS = {{1024, 256, 1}, {256, 512, 3}, {512, 128, 1}, {128, 256, 3},
            {256, 128, 1}, {128, 256, 3}, {256, 64, 1}, {64, 128, 3}};
    private static final int[] HEAD_IN = {512, 1024, 512, 256, 256, 128};

    final Conv2d conv0;
    final List<Conv2d> dw = new ArrayList<>(), pw = new ArrayList<>();
    final List<BatchNorm> bn = new ArrayList<>();
    final List<Conv2d> extras = new ArrayList<>();
    final List<Conv2d> boxHeads = new ArrayList<>(), clsHeads = new ArrayList<>();
    final Tensor anchors;

    public SsdMobileNetV1Face() {
        Group backbone = child("backbone", new Group());
        conv0 = backbone.add("conv0", new Conv2d(3, 32, 3, 2, 0));
        Group blocks = backbone.add("blocks", new Group());
        for (int i = 1; i <= 13; i++) {
            int c = CHANNELS[i - 1], o = CHANNELS[i];
            Group b = blocks.add(String.valueOf(i), new Group());
            dw.add(b.add("dw", new Conv2d(c, c, 3, stride(i), 0, 1, c, false)));
            bn.add(b.add("bn", new BatchNorm(c, BN_EPS, 0.1f, true)));
            pw.add(b.add("pw", new Conv2d(c, o, 1)));
        }
        Group ex = child("extras", new Group());
        for (int j = 0; j < EXTRAS.length; j++) {
            int[] e = EXTRAS[j];
            extras.add(ex.add(String.valueOf(j), new Conv2d(e[0], e[1], e[2], j % 2 == 1 ? 2 : 1, 0)));
        }
        Group heads = child("heads", new Group());
        for (int k = 0; k < 6; k++) {
            int a = k == 0 ? 3 : 6;
            Group h = heads.add(String.valueOf(k), new Group());
            boxHeads.add(h.add("box", new Conv2d(HEAD_IN[k], 4 * a, 1)));
            clsHeads.add(h.add("cls", new Conv2d(HEAD_IN[k], 3 * a, 1)));
        }
        anchors = buffer("anchors", Tensor.zeros(ANCHORS, 4));
        eval();
    }

    /** Depthwise stride of block i (face-api: 2 at blocks 2, 4, 6 and 12). */
    static int stride(int block) {
        return block == 2 || block == 4 || block == 6 || block == 12 ? 2 : 1;
    }

    /**
     * [1, 3, 512, 512] (x/127.5 − 1) → [5118, 7]: per anchor the box encoding
     * {@code [ty, tx, th, tw]} and the three class logits (background, face, unused), anchors
     * ordered level by level, then row, column, anchor (TF.js's NHWC order).
     */
    @Override
    protected Tensor compute(Tensor x) {
        // Inference path with fused epilogues: batch norm folded into the depthwise output
        // (x·γ/σ + β − μ·γ/σ), bias and ReLU6 applied right after each GEMM block.
        Tensor out = convRelu6(TfOps.padSame(x, 3, 2, 0f), conv0, 2);
        Tensor conv11 = null;
        for (int i = 1; i <= 13; i++) {
            int s = stride(i), h = out.size(2), w = out.size(3);
            int[] ph = TfOps.samePadding(h, 3, s), pw2 = TfOps.samePadding(w, 3, s);
            BatchNorm b = bn.get(i - 1);
            int c = b.channels;
            float[] scale = new float[c], shift = new float[c];
            for (int k = 0; k < c; k++) {
                scale[k] = b.weight.data()[k] / (float) Math.sqrt(b.runningVar.data()[k] + b.eps);
                shift[k] = b.bias.data()[k] - b.runningMean.data()[k] * scale[k];
            }
            out = DepthwiseKernel.forward(out, dw.get(i - 1).weight.data(), 3, 3, s, ph[0], pw2[0],
                    (h + s - 1) / s, (w + s - 1) / s, scale, shift, 0f, 6f);
            out = convRelu6(out, pw.get(i - 1), 1);
            if (i == 11) {
                conv11 = out;
            }
        }
        List<Tensor> maps = new ArrayList<>(List.of(conv11, out));
        Tensor e = out;
        for (int j = 0; j < extras.size(); j++) {
            Conv2d c = extras.get(j);
            e = convRelu6(c.kh == 3 ? TfOps.padSame(e, 3, c.stride, 0f) : e, c, c.stride);
            if (j % 2 == 1) {
                maps.add(e);
            }
        }
        float[] result = new float[ANCHORS * 7];
        int anchor = 0;
        for (int k = 0; k < 6; k++) {
            Tensor box = boxHeads.get(k).forward(maps.get(k));
            Tensor cls = clsHeads.get(k).forward(maps.get(k));
            int a = box.size(1) / 4, h = box.size(2), w = box.size(3), hw = h * w;
            float[] bd = box.data(), cd = cls.data();
            for (int p = 0; p < hw; p++) {
                for (int i = 0; i < a; i++, anchor++) {
                    for (int v = 0; v < 4; v++) {
                        result[anchor * 7 + v] = bd[(i * 4 + v) * hw + p];
                    }
                    for (int v = 0; v < 3; v++) {
                        result[anchor * 7 + 4 + v] = cd[(i * 3 + v) * hw + p];
                    }
                }
            }
        }
        if (anchor != ANCHORS) {
            throw new IllegalStateException("SSD heads produced " + anchor + " anchors, expected " + ANCHORS);
        }
        return Tensor.of(result, ANCHORS, 7);
    }

    /** conv (no padding) + bias, then ReLU6, fused. */
    private static Tensor convRelu6(Tensor x, Conv2d c, int stride) {
        return Conv.conv2dFused(x, c.weight, null, c.bias.data(), 0f, 6f, stride, stride, 0, 0, 1, 1, 1);
    }

    /** Network input for an image: pad bottom/right to a square, tf.js bilinear resize to 512, x/127.5 − 1. */
    static Tensor preprocess(RgbImage img) {
        int side = Math.max(img.width(), img.height());
        float[] hwc = TfOps.padToSquareBottomRight(img);
        if (side != INPUT) {
            hwc = TfOps.resizeBilinear(hwc, side, side, 3, INPUT, INPUT);
        }
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = hwc[i] / 127.5f - 1f;
        }
        return TfOps.hwcToNchw(hwc, INPUT, INPUT, 3);
    }

    /**
     * face-api's output layer: decoded boxes [5118, 4] ({@code [ymin, xmin, ymax, xmax]} of the
     * padded square, normalised) and face scores (sigmoid of logit 1), float32 op by op as tf.js.
     */
    Decoded decode(Tensor raw) {
        float[] r = raw.data(), an = anchors.data();
        float[] boxes = new float[ANCHORS * 4], scores = new float[ANCHORS];
        for (int i = 0; i < ANCHORS; i++) {
            float h = an[i * 4 + 2] - an[i * 4], w = an[i * 4 + 3] - an[i * 4 + 1];
            float cy = an[i * 4] + h / 2f, cx = an[i * 4 + 1] + w / 2f;
            float ty = r[i * 7], tx = r[i * 7 + 1], th = r[i * 7 + 2], tw = r[i * 7 + 3];
            float halfH = (float) Math.exp(th / 5f) * h / 2f;
            float yc = ty / 10f * h + cy;
            float halfW = (float) Math.exp(tw / 5f) * w / 2f;
            float xc = tx / 10f * w + cx;
            boxes[i * 4] = yc - halfH;
            boxes[i * 4 + 1] = xc - halfW;
            boxes[i * 4 + 2] = yc + halfH;
            boxes[i * 4 + 3] = xc + halfW;
            scores[i] = (float) TfOps.sigmoid(r[i * 7 + 5]);
        }
        return new Decoded(boxes, scores);
    }

    /** Decoded anchors: boxes [N*4] {@code [ymin, xmin, ymax, xmax]}, scores [N]. */
    record Decoded(float[] boxes, float[] scores) {}
}
