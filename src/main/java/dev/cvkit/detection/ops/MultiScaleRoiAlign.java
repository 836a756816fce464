package dev.cvkit.detection.ops;

import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * RoI Align over a feature pyramid, as {@code torchvision.ops.MultiScaleRoIAlign} (0.14): each
 * RoI is pooled from the one level its size selects (FPN, Lin et al. 2017, eq. 1), and the
 * results come back in RoI order. Faster and Mask R-CNN with FPN pool their proposals this way.
 *
 * <p>Rules, as torchvision:
 * <ul>
 *   <li>Each level's scale is inferred from its height and the largest image height of the
 *       batch: 2^round(log2(featureH / imageH)), so a stride-16 map of a 800-pixel batch is 1/16.
 *   <li>A RoI of area A (in image pixels) goes to level ⌊k0 + log2(√A / s0) + 1e-6⌋ clamped to
 *       the pyramid's levels, with s0 the canonical scale (224) and k0 the canonical level (4),
 *       computed in float32 like torchvision.
 *   <li>Each level is pooled with {@link RoiAlign} (not aligned, torchvision's default here).
 * </ul>
 * The result is differentiable with respect to every level's features.
 */
public final class MultiScaleRoiAlign {
    private static final float EPS = 1e-6f;
    private final int outH, outW, samplingRatio, canonicalScale, canonicalLevel;

    /** torchvision's defaults: canonical scale 224, canonical level 4. */
    public MultiScaleRoiAlign(int outH, int outW, int samplingRatio) {
        this(outH, outW, samplingRatio, 224, 4);
    }

    public MultiScaleRoiAlign(int outH, int outW, int samplingRatio, int canonicalScale, int canonicalLevel) {
        if (outH <= 0 || outW <= 0 || canonicalScale <= 0) {
            throw new IllegalArgumentException("multi-scale RoI Align: output " + outH + "x" + outW
                    + " and canonical scale " + canonicalScale + " must be positive");
        }
        this.outH = outH;
        this.outW = outW;
        this.samplingRatio = samplingRatio;
        this.canonicalScale = canonicalScale;
        this.canonicalLevel = canonicalLevel;
    }

    /**
     * @param features the pyramid, finest level first, each [N, C, H_l, W_l] with the same N and C
     * @param boxes per image, [K_i, 4] rows (x1, y1, x2, y2) in image pixels
     * @param imageSizes per image, {height, width} (before batching pads them to one size)
     * @return [ΣK_i, C, outH, outW], the RoIs of image 0 first
     */
    public Tensor apply(List<Tensor> features, List<Tensor> boxes, int[][] imageSizes) {
        if (features.isEmpty()) throw new IllegalArgumentException("multi-scale RoI Align: no feature levels");
        Tensor first = features.get(0);
        int n = first.size(0), c = first.size(1);
        for (Tensor f : features) {
            if (f.dim() != 4 || f.size(0) != n || f.size(1) != c) {
                throw new IllegalArgumentException("multi-scale RoI Align: level " + f + " does not match " + first);
            }
        }
        if (boxes.size() != n || imageSizes.length != n) {
            throw new IllegalArgumentException("multi-scale RoI Align: " + n + " images but " + boxes.size()
                    + " box lists and " + imageSizes.length + " image sizes");
        }
        int maxH = 0;
        for (int[] s : imageSizes) maxH = Math.max(maxH, s[0]);
        float[] scales = new float[features.size()];
        for (int l = 0; l < scales.length; l++) scales[l] = inferScale(features.get(l).size(2), maxH);
        int kMin = (int) -log2(scales[0]), kMax = (int) -log2(scales[scales.length - 1]);
        float[] rois = rois(boxes);
        int k = rois.length / 5;
        int[] level = new int[k];
        for (int r = 0; r < k; r++) {
            int lv = level(rois[5 * r + 1], rois[5 * r + 2], rois[5 * r + 3], rois[5 * r + 4], kMin, kMax);
            level[r] = lv == NO_LEVEL ? NO_LEVEL : lv - kMin;
        }
        if (features.size() == 1) {
            return RoiAlign.apply(first, Tensor.of(rois, k, 5), outH, outW, scales[0], samplingRatio, false);
        }
        int per = c * outH * outW;
        float[] out = new float[k * per];
        Tensor[] pooled = new Tensor[features.size()];
        int[][] members = new int[features.size()][];
        for (int l = 0; l < features.size(); l++) {
            int count = 0;
            for (int lv : level) if (lv == l) count++;
            if (count == 0) continue;
            int[] idx = new int[count];
            float[] sub = new float[count * 5];
            for (int r = 0, j = 0; r < k; r++) {
                if (level[r] != l) continue;
                idx[j] = r;
                System.arraycopy(rois, 5 * r, sub, 5 * j++, 5);
            }
            members[l] = idx;
            pooled[l] = RoiAlign.apply(features.get(l), Tensor.of(sub, count, 5), outH, outW, scales[l], samplingRatio, false);
            float[] y = pooled[l].data();
            for (int j = 0; j < count; j++) System.arraycopy(y, j * per, out, idx[j] * per, per);
        }
        Tensor result = Tensor.result(out, new int[] {k, c, outH, outW}, pooled);
        if (result.requiresGrad()) {
            result.setBackward(() -> {
                float[] dy = result.grad();
                for (int l = 0; l < pooled.length; l++) {
                    if (pooled[l] == null || !pooled[l].requiresGrad()) continue;
                    float[] g = pooled[l].gradBuffer();
                    int[] idx = members[l];
                    for (int j = 0; j < idx.length; j++) {
                        for (int q = 0; q < per; q++) g[j * per + q] += dy[idx[j] * per + q];
                    }
                }
            });
        }
        return result;
    }

    /**
     * The level (before subtracting kMin) of a RoI with these corners: FPN's eq. 1 in float32.
     * A negative area (one inverted side) gives NaN, which torchvision maps to no level: such a
     * RoI pools nothing and stays zero ({@link #NO_LEVEL}).
     */
    int level(float x1, float y1, float x2, float y2, int kMin, int kMax) {
        float area = (x2 - x1) * (y2 - y1);
        float s = (float) Math.sqrt(area);
        float lvl = (float) Math.floor((canonicalLevel + log2(s / canonicalScale)) + EPS);
        if (Float.isNaN(lvl)) return NO_LEVEL;
        return (int) Math.max(kMin, Math.min(kMax, lvl));
    }

    /** Level of a RoI with a negative area. */
    static final int NO_LEVEL = Integer.MIN_VALUE;

    /** 2^round(log2(feature / image)), the scale torchvision infers for a level (float32, half to even). */
    static float inferScale(int featureSize, int imageSize) {
        float approx = (float) ((double) featureSize / imageSize);
        return (float) Math.pow(2, Math.rint(log2(approx)));
    }

    /** log2 of a float, rounded to float (the boundaries that matter are exact powers of two). */
    private static float log2(float v) {
        return (float) (Math.log(v) / Math.log(2));
    }

    /** Per-image boxes as RoI rows (image index, x1, y1, x2, y2). */
    private static float[] rois(List<Tensor> boxes) {
        int k = 0;
        for (Tensor b : boxes) {
            if (b.numel() % 4 != 0) throw new IllegalArgumentException("multi-scale RoI Align: boxes " + b + " are not [K, 4]");
            k += b.numel() / 4;
        }
        float[] rois = new float[k * 5];
        int r = 0;
        for (int i = 0; i < boxes.size(); i++) {
            float[] d = boxes.get(i).data();
            for (int j = 0; j < d.length / 4; j++, r++) {
                rois[5 * r] = i;
                System.arraycopy(d, 4 * j, rois, 5 * r + 1, 4);
            }
        }
        return rois;
    }
}
