package dev.cvkit.data.detect;

/**
 * Clips boxes to their image and drops those left with less than {@link #MIN_SIDE} pixel on a
 * side, counting both (torchvision's detection references require positive width and height).
 */
final class BoxCleaner {
    static final float MIN_SIDE = 1f;
    int clipped, degenerate, crowd;

    /** The box clipped to [0, w] × [0, h], or null when it is degenerate. */
    float[] clean(double x1, double y1, double x2, double y2, int w, int h) {
        double cx1 = clamp(x1, w), cy1 = clamp(y1, h), cx2 = clamp(x2, w), cy2 = clamp(y2, h);
        if (cx2 - cx1 < MIN_SIDE || cy2 - cy1 < MIN_SIDE || !Double.isFinite(x1 + y1 + x2 + y2)) {
            degenerate++;
            return null;
        }
        if (cx1 != x1 || cy1 != y1 || cx2 != x2 || cy2 != y2) clipped++;
        return new float[] {(float) cx1, (float) cy1, (float) cx2, (float) cy2};
    }

    DetectionSet.Cleaning counts() {
        return new DetectionSet.Cleaning(clipped, degenerate, crowd);
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
