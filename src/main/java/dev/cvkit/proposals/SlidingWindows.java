package dev.cvkit.proposals;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The lecture's baseline before region proposals: windows of several scales and aspect ratios
 * slid over the image with a stride. Order: largest scale first, then aspect ratio, then rows
 * and columns, so the top N are the coarsest windows.
 *
 * @param scales window side (for aspect 1) as a fraction of the image's shorter side
 * @param aspects width / height ratios; a window keeps the area of its scale's square
 * @param stride  step as a fraction of the window's own width / height
 */
public record SlidingWindows(double[] scales, double[] aspects, double stride) implements Proposer {
    public static final double[] DEFAULT_SCALES = {1.0, 0.75, 0.5, 0.35, 0.25, 0.125};
    public static final double[] DEFAULT_ASPECTS = {1.0, 0.5, 2.0};
    public static final double DEFAULT_STRIDE = 0.25;

    public SlidingWindows {
        for (double s : scales) {
            if (!(s > 0 && s <= 1)) {
                throw new IllegalArgumentException("window scales must be in (0, 1], got " + s);
            }
        }
        for (double a : aspects) {
            if (!(a > 0 && a < 100)) {
                throw new IllegalArgumentException("aspect ratios must be positive, got " + a);
            }
        }
        if (!(stride > 0 && stride <= 1)) {
            throw new IllegalArgumentException("stride must be in (0, 1], got " + stride);
        }
    }

    @Override
    public int[][] propose(Mat bgr) {
        return windows(bgr.cols(), bgr.rows());
    }

    int[][] windows(int width, int height) {
        int shorter = Math.min(width, height);
        List<int[]> out = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        double[] sorted = scales.clone();
        java.util.Arrays.sort(sorted);
        for (int si = sorted.length - 1; si >= 0; si--) {
            double side = sorted[si] * shorter;
            for (double a : aspects) {
                int w = (int) Math.round(Math.min(width, side * Math.sqrt(a)));
                int h = (int) Math.round(Math.min(height, side / Math.sqrt(a)));
                if (w < 1 || h < 1) {
                    continue;
                }
                int sx = Math.max(1, (int) Math.round(w * stride));
                int sy = Math.max(1, (int) Math.round(h * stride));
                for (int y = 0; ; y += sy) {
                    int yy = Math.min(y, height - h); // last row flush with the border
                    for (int x = 0; ; x += sx) {
                        int xx = Math.min(x, width - w);
                        long key = (((long) xx * 65536 + yy) * 65536 + w) * 65536 + h;
                        if (seen.add(key)) {
                            out.add(new int[] {xx, yy, w, h});
                        }
                        if (xx >= width - w) {
                            break;
                        }
                    }
                    if (yy >= height - h) {
                        break;
                    }
                }
            }
        }
        return out.toArray(new int[0][]);
    }
}
