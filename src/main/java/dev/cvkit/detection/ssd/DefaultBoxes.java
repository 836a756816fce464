package dev.cvkit.detection.ssd;

/**
 * SSD's default boxes, as torchvision's {@code DefaultBoxGenerator}: map k has scale s_k
 * (evenly spaced from {@code minRatio} to {@code maxRatio}, then 1, unless given), boxes s_k × s_k,
 * √(s_k·s_{k+1}) squared, and s_k·√a × s_k/√a and its transpose for each aspect ratio a, centred
 * on ((j + 0.5)/f_x, (i + 0.5)/f_y) with f = image size ÷ step (or the map's size without
 * steps), width and height clipped to [0, 1], then scaled to the image in pixels.
 * Order: maps in turn, positions row by row, the boxes of a position in the order above.
 */
public final class DefaultBoxes {
    private final float[][] wh; // per map: (w, h) pairs, float32 as torchvision's tensors
    private final int[] steps;
    private final boolean clip;

    /**
     * @param aspectRatios per map (torchvision's SSD300: [2], [2, 3], [2, 3], [2, 3], [2], [2])
     * @param scales per map plus one (null: from minRatio/maxRatio as torchvision)
     * @param steps per map (null: the map's own size)
     */
    public DefaultBoxes(int[][] aspectRatios, double minRatio, double maxRatio, double[] scales, int[] steps, boolean clip) {
        int maps = aspectRatios.length;
        if (maps == 0 || (steps != null && steps.length != maps) || (scales != null && scales.length != maps + 1)) {
            throw new IllegalArgumentException("default boxes: " + maps + " maps, " + (steps == null ? 0 : steps.length)
                    + " steps, " + (scales == null ? 0 : scales.length) + " scales");
        }
        double[] s = scales;
        if (s == null) {
            s = new double[maps + 1];
            if (maps > 1) {
                for (int k = 0; k < maps; k++) s[k] = minRatio + (maxRatio - minRatio) * k / (maps - 1.0);
                s[maps] = 1.0;
            } else {
                s[0] = minRatio;
                s[1] = maxRatio;
            }
        }
        this.steps = steps;
        this.clip = clip;
        this.wh = new float[maps][];
        for (int k = 0; k < maps; k++) {
            double sk = s[k], sp = Math.sqrt(s[k] * s[k + 1]);
            float[] p = new float[4 + 4 * aspectRatios[k].length];
            p[0] = (float) sk;
            p[1] = (float) sk;
            p[2] = (float) sp;
            p[3] = (float) sp;
            for (int a = 0; a < aspectRatios[k].length; a++) {
                double sq = Math.sqrt(aspectRatios[k][a]);
                float w = (float) (s[k] * sq), h = (float) (s[k] / sq);
                p[4 + 4 * a] = w;
                p[5 + 4 * a] = h;
                p[6 + 4 * a] = h;
                p[7 + 4 * a] = w;
            }
            wh[k] = p;
        }
    }

    /** torchvision's ssd300_vgg16 boxes. */
    public static DefaultBoxes ssd300() {
        return new DefaultBoxes(new int[][] {{2}, {2, 3}, {2, 3}, {2, 3}, {2}, {2}}, 0.15, 0.9,
                new double[] {0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05}, new int[] {8, 16, 32, 64, 100, 300}, true);
    }

    /** Feature maps these boxes are for. */
    public int maps() { return wh.length; }

    /** Boxes per position of map k. */
    public int perPosition(int k) { return wh[k].length / 2; }

    /** The boxes [ΣA·H·W·4] (x1, y1, x2, y2 in pixels) for an imageH × imageW batch with these map sizes. */
    public float[] boxes(int imageH, int imageW, int[] mapH, int[] mapW) {
        if (mapH.length != wh.length || mapW.length != wh.length) {
            throw new IllegalArgumentException("default boxes: " + mapH.length + " maps for " + wh.length);
        }
        int total = 0;
        for (int k = 0; k < wh.length; k++) total += mapH[k] * mapW[k] * perPosition(k);
        float[] out = new float[total * 4];
        int o = 0;
        for (int k = 0; k < wh.length; k++) {
            float fx = steps != null ? (float) ((double) imageW / steps[k]) : mapW[k];
            float fy = steps != null ? (float) ((double) imageH / steps[k]) : mapH[k];
            for (int y = 0; y < mapH[k]; y++) {
                float cy = (y + 0.5f) / fy;
                for (int x = 0; x < mapW[k]; x++) {
                    float cx = (x + 0.5f) / fx;
                    for (int a = 0; a < wh[k].length; a += 2) {
                        float w = wh[k][a], h = wh[k][a + 1];
                        if (clip) {
                            w = Math.min(Math.max(w, 0f), 1f);
                            h = Math.min(Math.max(h, 0f), 1f);
                        }
                        out[o++] = (cx - 0.5f * w) * imageW;
                        out[o++] = (cy - 0.5f * h) * imageH;
                        out[o++] = (cx + 0.5f * w) * imageW;
                        out[o++] = (cy + 0.5f * h) * imageH;
                    }
                }
            }
        }
        return out;
    }
}
