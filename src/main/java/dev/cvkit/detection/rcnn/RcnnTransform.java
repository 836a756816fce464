package dev.cvkit.detection.rcnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.ConfigValues;
import dev.cvkit.nn.Functional;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The input side of torchvision's R-CNN models ({@code GeneralizedRCNNTransform}): normalise each
 * [3, H, W] image (values in [0, 1]) by channel mean and std, resize it so its shorter side is
 * {@code minSize} unless its longer side would pass {@code maxSize} (bilinear,
 * align_corners false, output size ⌊side·scale⌋ with the float32 scale), scale its boxes by the
 * same ratios, and pad the batch with zeros to a multiple of 32 at the bottom and right.
 * {@link #resizeBoxes} also maps detections back (from the resized to the original size). torchvision's defaults: 800 / 1333, ImageNet
 * mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).
 */
public final class RcnnTransform {
    private final int minSize, maxSize, divisible;
    private final float[] mean, std;

    public RcnnTransform(int minSize, int maxSize, float[] mean, float[] std) {
        if (minSize <= 0 || maxSize < minSize || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("R-CNN transform: sizes " + minSize + "/" + maxSize + ", "
                    + mean.length + " means, " + std.length + " stds");
        }
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.divisible = 32;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public static RcnnTransform torchvision() {
        return new RcnnTransform(800, 1333, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** {@code min_size}, {@code max_size}, {@code mean} and {@code std}, as in a model config's {@code "transform"}. */
    public ObjectNode toJson() {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("min_size", minSize);
        t.put("max_size", maxSize);
        ConfigValues.put(t.putArray("mean"), mean);
        ConfigValues.put(t.putArray("std"), std);
        return t;
    }

    /** Reads {@link #toJson()}; sizes 32 … 8192, means within ±10, stds in (0, 10] (IllegalArgumentException naming the value). */
    public static RcnnTransform fromJson(JsonNode t) {
        int min = ConfigValues.integer(t, "min_size"), max = ConfigValues.integer(t, "max_size");
        ConfigValues.check("min_size", min, 32, 4096);
        ConfigValues.check("max_size", max, min, 8192);
        float[] mean = ConfigValues.floats(t, "mean", 3), std = ConfigValues.floats(t, "std", 3);
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values each");
        ConfigValues.range("mean", mean, -10, 10);
        ConfigValues.range("std", std, 1e-6f, 10);
        return new RcnnTransform(min, max, mean, std);
    }

    /** The batch, each image's size inside it {height, width}, and the boxes in its coordinates. */
    public record Batch(Tensor images, int[][] sizes, List<float[]> boxes) {}

    /**
     * @param images each [3, H_i, W_i]
     * @param boxes per image [K_i·4] in its pixels, or null (inference)
     */
    public Batch apply(List<Tensor> images, List<float[]> boxes) {
        List<Tensor> resized = new ArrayList<>();
        List<float[]> scaled = new ArrayList<>();
        int[][] sizes = new int[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            Tensor img = images.get(i);
            if (img.dim() != 3 || img.size(0) != 3) throw new IllegalArgumentException("R-CNN transform: image " + img + " is not [3, H, W]");
            int h = img.size(1), w = img.size(2);
            float scale = Math.min((float) minSize / Math.min(h, w), (float) maxSize / Math.max(h, w));
            int oh = (int) Math.floor(h * (double) scale), ow = (int) Math.floor(w * (double) scale);
            Tensor x = Functional.upsampleBilinear(normalize(img).reshape(1, 3, h, w), oh, ow, false);
            resized.add(x);
            sizes[i] = new int[] {oh, ow};
            if (boxes != null) scaled.add(resizeBoxes(boxes.get(i), new int[] {h, w}, sizes[i]));
        }
        return new Batch(pad(resized), sizes, boxes == null ? null : scaled);
    }

    /** (x − mean[c]) / std[c] per channel, float32. */
    Tensor normalize(Tensor img) {
        int hw = img.size(1) * img.size(2);
        float[] d = img.data(), y = new float[d.length];
        for (int c = 0; c < 3; c++) {
            for (int q = 0; q < hw; q++) y[c * hw + q] = (d[c * hw + q] - mean[c]) / std[c];
        }
        return Tensor.of(y, 3, img.size(1), img.size(2));
    }

    /**
     * Boxes scaled by new/old per axis (float32 ratios), as torchvision's resize_boxes: targets
     * onto the resized image, or detections back to the original ({@code from} = resized).
     */
    public static float[] resizeBoxes(float[] boxes, int[] from, int[] to) {
        float rh = (float) to[0] / from[0], rw = (float) to[1] / from[1];
        float[] out = new float[boxes.length];
        for (int i = 0; i < boxes.length; i += 4) {
            out[i] = boxes[i] * rw;
            out[i + 1] = boxes[i + 1] * rh;
            out[i + 2] = boxes[i + 2] * rw;
            out[i + 3] = boxes[i + 3] * rh;
        }
        return out;
    }

    /** [1, 3, h_i, w_i] images into one zero-padded [N, 3, H, W], H and W multiples of 32. */
    private Tensor pad(List<Tensor> xs) {
        int mh = 0, mw = 0;
        for (Tensor x : xs) {
            mh = Math.max(mh, x.size(2));
            mw = Math.max(mw, x.size(3));
        }
        int hh = (int) (Math.ceil((double) mh / divisible) * divisible), ww = (int) (Math.ceil((double) mw / divisible) * divisible);
        float[] out = new float[xs.size() * 3 * hh * ww];
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = xs.get(i);
            int h = x.size(2), w = x.size(3);
            float[] d = x.data();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) System.arraycopy(d, (c * h + y) * w, out, ((i * 3 + c) * hh + y) * ww, w);
            }
        }
        return Tensor.of(out, xs.size(), 3, hh, ww);
    }
}
