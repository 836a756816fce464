package dev.cvkit.detection.targets;

/**
 * Anchors over a feature pyramid, as {@code torchvision.models.detection.anchor_utils.AnchorGenerator}:
 * level l has base anchors of every aspect ratio r (h/w) and size s, w = s/√r, h = s·√r,
 * centred on 0 and rounded (half to even), shifted to every position of the level's grid at
 * the level's stride (padded image size ÷ grid size, integer division).
 *
 * <p>Order, as torchvision: levels in turn; within a level positions row by row; at each
 * position the base anchors ratio by ratio, size by size. Faster R-CNN's FPN default is sizes
 * (32), (64), (128), (256), (512) with ratios (0.5, 1, 2) on every level.
 */
public final class AnchorGenerator {
    private final float[][] sizes, ratios;
    private final float[][] base;

    /** {@code sizes[l]} and {@code ratios[l]}: the anchor sizes and aspect ratios of level l. */
    public AnchorGenerator(float[][] sizes, float[][] ratios) {
        if (sizes.length == 0 || sizes.length != ratios.length) {
            throw new IllegalArgumentException("anchors: " + sizes.length + " size lists for " + ratios.length + " ratio lists");
        }
        this.sizes = sizes;
        this.ratios = ratios;
        this.base = new float[sizes.length][];
        for (int l = 0; l < sizes.length; l++) base[l] = baseAnchors(sizes[l], ratios[l]);
    }

    public int levels() { return sizes.length; }

    /** Anchors per position of level l. */
    public int perPosition(int level) { return sizes[level].length * ratios[level].length; }

    /**
     * Base anchors of one level [A·4]: for each ratio, for each size, (−w/2, −h/2, w/2, h/2)
     * rounded, with h = s·√r and w = s·(1/√r) in float32 as torchvision.
     */
    static float[] baseAnchors(float[] sizes, float[] ratios) {
        float[] out = new float[sizes.length * ratios.length * 4];
        int o = 0;
        for (float r : ratios) {
            if (!(r > 0) || Float.isInfinite(r)) throw new IllegalArgumentException("anchors: aspect ratio " + r);
            float hr = (float) Math.sqrt(r), wr = 1f / hr;
            for (float s : sizes) {
                if (!(s > 0) || Float.isInfinite(s)) throw new IllegalArgumentException("anchors: size " + s);
                float w = wr * s, h = hr * s;
                out[o++] = (float) Math.rint(-w / 2);
                out[o++] = (float) Math.rint(-h / 2);
                out[o++] = (float) Math.rint(w / 2);
                out[o++] = (float) Math.rint(h / 2);
            }
        }
        return out;
    }

    /**
     * The anchors of one image [ΣA_l·H_l·W_l·4] for a batch padded to imageH × imageW whose level l
     * feature map is gridH[l] × gridW[l] (every image of the batch gets the same anchors).
     */
    public float[] anchors(int imageH, int imageW, int[] gridH, int[] gridW) {
        if (gridH.length != sizes.length || gridW.length != sizes.length) {
            throw new IllegalArgumentException("anchors: " + gridH.length + " feature maps for " + sizes.length + " anchor levels");
        }
        long total = 0;
        for (int l = 0; l < sizes.length; l++) {
            if (gridH[l] <= 0 || gridW[l] <= 0) throw new IllegalArgumentException("anchors: empty feature map at level " + l);
            total += (long) gridH[l] * gridW[l] * base[l].length;
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("anchors: " + total / 4 + " anchors");
        float[] out = new float[(int) total];
        int o = 0;
        for (int l = 0; l < sizes.length; l++) {
            int sy = imageH / gridH[l], sx = imageW / gridW[l];
            float[] b = base[l];
            for (int y = 0; y < gridH[l]; y++) {
                for (int x = 0; x < gridW[l]; x++) {
                    // int32 shifts added to float base anchors (torchvision's type promotion)
                    float fx = x * sx, fy = y * sy;
                    for (int a = 0; a < b.length; a += 4) {
                        out[o++] = fx + b[a];
                        out[o++] = fy + b[a + 1];
                        out[o++] = fx + b[a + 2];
                        out[o++] = fy + b[a + 3];
                    }
                }
            }
        }
        return out;
    }
}
