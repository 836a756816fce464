package dev.cvkit.detection.yolo;

/**
 * The candidate points of the anchor-free head for a square input: every cell centre
 * ((j + ½)·s, (i + ½)·s) of each level (strides 8, 16, 32), level by level, row by row. Point a
 * reads its predictions at (i, j) of its level's outputs.
 */
public final class AnchorPoints {
    final int imgsz, count;
    final int[] level, row, col, sizes, starts;
    final float[] xy, stride;

    public AnchorPoints(int imgsz) {
        this.imgsz = imgsz;
        int n = 0;
        sizes = new int[YoloNet.STRIDES.length];
        starts = new int[YoloNet.STRIDES.length];
        for (int l = 0; l < sizes.length; l++) {
            sizes[l] = imgsz / YoloNet.STRIDES[l];
            starts[l] = n;
            n += sizes[l] * sizes[l];
        }
        count = n;
        level = new int[n];
        row = new int[n];
        col = new int[n];
        xy = new float[2 * n];
        stride = new float[n];
        int a = 0;
        for (int l = 0; l < sizes.length; l++) {
            int s = YoloNet.STRIDES[l];
            for (int i = 0; i < sizes[l]; i++) {
                for (int j = 0; j < sizes[l]; j++, a++) {
                    level[a] = l;
                    row[a] = i;
                    col[a] = j;
                    stride[a] = s;
                    xy[2 * a] = (j + 0.5f) * s;
                    xy[2 * a + 1] = (i + 0.5f) * s;
                }
            }
        }
    }

    public int count() { return count; }

    /** Index into a level tensor [N, C, H, W] of image n, channel c at point a. */
    int index(int n, int channels, int c, int a) {
        int hw = sizes[level[a]];
        return ((n * channels + c) * hw + row[a]) * hw + col[a];
    }
}
