package dev.cvkit.detection.rcnn;

import dev.cvkit.detection.ops.MultiScaleRoiAlign;
import dev.cvkit.detection.ops.RoiAlign;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.ConvTranspose2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Mask R-CNN's mask branch (He et al. 2017), as torchvision's {@code MaskRCNNHeads} +
 * {@code MaskRCNNPredictor} with its inference and loss: each box is pooled from the pyramid
 * ({@link MultiScaleRoiAlign}, torchvision: 14×14), run through 3×3 conv + ReLU layers, a 2×2
 * stride-2 transposed convolution + ReLU and a 1×1 convolution to one mask logit map per class
 * (28×28). Inference keeps the map of each detection's class as probabilities and pastes it into
 * the image ({@link #paste}); training compares the matched class's map with the ground-truth
 * mask cropped to the proposal by RoI Align ({@link #loss}). Parameter names
 * {@code mask_head.i.0.*}, {@code mask_predictor.conv5_mask.*}, {@code mask_predictor.mask_fcn_logits.*}.
 */
public final class MaskHead extends Container {
    private final MultiScaleRoiAlign pooler;
    private final Sequential head = new Sequential(), predictor = new Sequential();
    private final int classes, pool;

    /**
     * @param channels pyramid channels; {@code layers} the widths of the conv layers (torchvision: 256 ×4)
     * @param pool pooled size (torchvision 14; the masks are twice that)
     * @param reduced channels of the transposed convolution (256); {@code classes} including background
     */
    public MaskHead(int channels, int[] layers, int pool, int reduced, int classes) {
        this(channels, layers, pool, reduced, classes, 2);
    }

    /** As above with RoI Align's sampling ratio (torchvision 2; cvkit's small-image trainer 1, as its box head). */
    public MaskHead(int channels, int[] layers, int pool, int reduced, int classes, int samplingRatio) {
        if (layers.length == 0 || classes < 2) throw new IllegalArgumentException("mask head: " + layers.length + " layers, " + classes + " classes");
        this.pooler = new MultiScaleRoiAlign(pool, pool, samplingRatio);
        this.pool = pool;
        this.classes = classes;
        int in = channels;
        for (int w : layers) {
            Conv2d c = new Conv2d(in, w, 3, 1, 1);
            Init.kaimingNormal(c.namedParameters().get("weight"), 0f, true);
            Init.constant(c.namedParameters().get("bias"), 0f);
            head.add(new Sequential(c, Activation.relu()));
            in = w;
        }
        ConvTranspose2d up = new ConvTranspose2d(in, reduced, 2, 2, 0, 0, 1, true, 1);
        Conv2d logits = new Conv2d(reduced, classes, 1, 1, 0);
        Init.kaimingNormal(up.namedParameters().get("weight"), 0f, true);
        Init.kaimingNormal(logits.namedParameters().get("weight"), 0f, true);
        predictor.add("conv5_mask", up).add("relu", Activation.relu()).add("mask_fcn_logits", logits);
        child("mask_head", head);
        child("mask_predictor", predictor);
    }

    /** The conv layers and the predictor, for a detector that registers them under its own names. */
    Module convLayers() { return head; }

    Module predictorLayers() { return predictor; }

    /** Mask logits [ΣK, classes, 2·pool, 2·pool] of the boxes of every image, differentiable. */
    public Tensor logits(List<Tensor> levels, List<float[]> boxes, int[][] imageSizes) {
        List<Tensor> b = new ArrayList<>();
        for (float[] x : boxes) b.add(Tensor.of(x, x.length / 4, 4));
        return predictor.forward(head.forward(pooler.apply(levels, b, imageSizes)));
    }

    /**
     * Inference: for each image's detections (boxes [K·4], labels [K]), the sigmoid of the mask
     * map of the detected class, pasted into the image: per image [K][H·W] probabilities.
     */
    public List<float[][]> masks(List<Tensor> levels, List<float[]> boxes, List<int[]> labels, int[][] imageSizes) {
        List<float[][]> probs = probabilities(levels, boxes, labels, imageSizes);
        int m = maskSize();
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            float[][] img = new float[probs.get(i).length][];
            for (int j = 0; j < img.length; j++) {
                img[j] = paste(probs.get(i)[j], m, java.util.Arrays.copyOfRange(boxes.get(i), 4 * j, 4 * j + 4), imageSizes[i][0], imageSizes[i][1]);
            }
            out.add(img);
        }
        return out;
    }

    /** Side of the mask maps (twice the pooled size). */
    public int maskSize() { return 2 * pool; }

    /**
     * Inference before pasting: per image, per detection, the {@link #maskSize()}² sigmoid map of
     * the detected class (for pasting at another scale, e.g. the original image's).
     */
    public List<float[][]> probabilities(List<Tensor> levels, List<float[]> boxes, List<int[]> labels, int[][] imageSizes) {
        // no detections anywhere: nothing to pool, and the head's layers are not run on an empty batch
        if (boxes.stream().allMatch(b -> b.length == 0)) return boxes.stream().map(b -> new float[0][]).toList();
        Tensor x;
        try (var g = Tensor.noGrad()) {
            x = logits(levels, boxes, imageSizes);
        }
        int m = x.size(2), per = classes * m * m;
        float[] d = x.data();
        List<float[][]> out = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < boxes.size(); i++) {
            int k = labels.get(i).length;
            float[][] img = new float[k][];
            for (int j = 0; j < k; j++, row++) {
                float[] prob = new float[m * m];
                int off = row * per + labels.get(i)[j] * m * m;
                for (int q = 0; q < prob.length; q++) prob[q] = (float) (1 / (1 + Math.exp(-d[off + q])));
                img[j] = prob;
            }
            out.add(img);
        }
        return out;
    }

    /**
     * An m×m mask of a box pasted into an h×w image, as torchvision's paste_masks_in_image: the
     * mask padded by one pixel and the box widened to match, the box rounded down to integers,
     * the mask resized bilinearly to the box's (w + 1)×(h + 1) pixels and copied where it lies
     * inside the image; zero elsewhere.
     */
    public static float[] paste(float[] mask, int m, float[] box, int h, int w) {
        int mp = m + 2;
        float[] padded = new float[mp * mp];
        for (int y = 0; y < m; y++) System.arraycopy(mask, y * m, padded, (y + 1) * mp + 1, m);
        float scale = (float) ((double) mp / m);
        float wHalf = (box[2] - box[0]) * 0.5f * scale, hHalf = (box[3] - box[1]) * 0.5f * scale;
        float xc = (box[2] + box[0]) * 0.5f, yc = (box[3] + box[1]) * 0.5f;
        long x0 = (long) (xc - wHalf), y0 = (long) (yc - hHalf), x1 = (long) (xc + wHalf), y1 = (long) (yc + hHalf);
        int bw = (int) Math.max(x1 - x0 + 1, 1), bh = (int) Math.max(y1 - y0 + 1, 1);
        float[] resized = Functional.upsampleBilinear(Tensor.of(padded, 1, 1, mp, mp), bh, bw, false).data();
        float[] img = new float[h * w];
        int ix0 = (int) Math.max(x0, 0), ix1 = (int) Math.min(x1 + 1, w), iy0 = (int) Math.max(y0, 0), iy1 = (int) Math.min(y1 + 1, h);
        for (int y = iy0; y < iy1; y++) {
            for (int x = ix0; x < ix1; x++) img[y * w + x] = resized[(int) (y - y0) * bw + (int) (x - x0)];
        }
        return img;
    }

    /**
     * Training: binary cross-entropy (mean) between each positive proposal's mask map of its
     * matched class and that ground-truth mask cropped and resized to the map by RoI Align
     * (aligned false, adaptive sampling), as torchvision's maskrcnn_loss.
     *
     * @param logits [K, classes, M, M] for the positive proposals of every image in order
     * @param proposals per image [K_i·4]; {@code matched} per image the matched ground-truth index
     * @param gtMasks per image [G_i, H, W] (0/1 values); {@code gtLabels} per image the classes
     */
    public static Tensor loss(Tensor logits, List<float[]> proposals, List<Tensor> gtMasks, List<int[]> gtLabels, List<int[]> matched) {
        int k = logits.size(0), c = logits.size(1), m = logits.size(2);
        if (k == 0) return logits.sum().mul(0f);
        float[] targets = new float[k * m * m];
        int[] rows = new int[k];
        int r = 0;
        for (int i = 0; i < proposals.size(); i++) {
            float[] p = proposals.get(i);
            int n = p.length / 4;
            if (n == 0) continue;
            float[] rois = new float[n * 5];
            for (int j = 0; j < n; j++) {
                rois[5 * j] = matched.get(i)[j];
                System.arraycopy(p, 4 * j, rois, 5 * j + 1, 4);
            }
            Tensor masks = gtMasks.get(i);
            Tensor crop;
            try (var g = Tensor.noGrad()) {
                crop = RoiAlign.apply(masks.reshape(masks.size(0), 1, masks.size(1), masks.size(2)), Tensor.of(rois, n, 5), m, m, 1f, 0, false);
            }
            System.arraycopy(crop.data(), 0, targets, r * m * m, n * m * m);
            for (int j = 0; j < n; j++, r++) rows[r] = r * c + gtLabels.get(i)[matched.get(i)[j]];
        }
        Tensor picked = Functional.rows(logits.reshape(k * c, m * m), rows);
        return Losses.bceWithLogits(picked, Tensor.of(targets, k, m * m));
    }
}
