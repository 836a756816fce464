package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;

import dev.cvkit.nn.Conv;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's Tiny face detector, a YOLO-v2-style grid: a 3×3 conv (no padding), five
 * depthwise-separable convs (pad 1, depthwise 3×3 + pointwise 1×1 + bias) with face-api's leaky
 * ReLU, 2×2 max pools (stride 2, the last stride 1, TensorFlow 'same'), and a 1×1 conv giving
 * 5 anchors × (tx, ty, tw, th, objectness) per cell of the (size/32)² grid.
 * Parameter names: {@code conv0}, {@code convN.{dw,pw}} (N = 1..5), {@code conv8}.
 */
public final class TinyFaceNet extends Module {
    /** Anchor (width, height) in grid cells. */
    static final double[][] ANCHORS = {{1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061},
            {4.266906, 5.178857}, {9.041765, 10.66308}};
    static final float[] MEAN_RGB = {117.001f, 114.697f, 97.404f};
    private static final int[] CHANNELS = {16, 32, 64, 128, 256, 512};

    final Conv2d conv0, conv8;
    final List<Conv2d> dw = new ArrayList<>(), pw = new ArrayList<>();

    public TinyFaceNet() {
        conv0 = child("conv0", new Conv2d(3, 16, 3));
        for (int n = 1; n <= 5; n++) {
            int c = CHANNELS[n - 1], o = CHANNELS[n];
            Group g = child("conv" + n, new Group());
            dw.add(g.add("dw", new Conv2d(c, c, 3, 1, 0, 1, c, false)));
            pw.add(g.add("pw", new Conv2d(c, o, 1)));
        }
        conv8 = child("conv8", new Conv2d(512, 25, 1));
        eval();
    }

    /** [1, 3, S, S] ((RGB − mean) / 255) → [1, 25, S/32, S/32]. */
    @Override
    protected Tensor compute(Tensor x) {
        Tensor out = TfOps.leakyFaceApi(convBias(x, conv0));
        out = maxPoolSame(out, 2);
        for (int n = 1; n <= 5; n++) {
            int h = out.size(2), w = out.size(3);
            out = DepthwiseKernel.forward(out, dw.get(n - 1).weight.data(), 3, 3, 1, 1, 1, h, w, null, null,
                    Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            out = TfOps.leakyFaceApi(convBias(out, pw.get(n - 1)));
            out = maxPoolSame(out, n < 5 ? 2 : 1);
        }
        return convBias(out, conv8);
    }

    /** conv (stride 1, no padding) + bias, fused. */
    private static Tensor convBias(Tensor x, Conv2d c) {
        return Conv.conv2dFused(x, c.weight, null, c.bias.data(), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
                1, 1, 0, 0, 1, 1, 1);
    }

    private static Tensor maxPoolSame(Tensor x, int stride) {
        return TfOps.maxPoolSame(x, 2, stride);
    }

    /** Network input: pad bottom/right to a square, tf.js bilinear resize to size, (x − mean) / 255. */
    static Tensor preprocess(RgbImage img, int size) {
        int side = Math.max(img.width(), img.height());
        float[] hwc = TfOps.padToSquareBottomRight(img);
        if (side != size) {
            hwc = TfOps.resizeBilinear(hwc, side, side, 3, size, size);
        }
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = (hwc[i] - MEAN_RGB[i % 3]) / 255f;
        }
        return TfOps.hwcToNchw(hwc, size, size, 3);
    }
}
