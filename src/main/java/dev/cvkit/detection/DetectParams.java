package dev.cvkit.detection;

/**
 * Post-processing knobs: keep detections with score above {@code conf}, suppress overlaps above
 * {@code iou} (intersection over union), keep at most {@code maxDet}.
 */
public record DetectParams(float conf, float iou, int maxDet) {
    public DetectParams {
        if (!(conf >= 0 && conf < 1)) {
            throw new IllegalArgumentException("conf must be in [0, 1)");
        }
        if (!(iou > 0 && iou <= 1)) {
            throw new IllegalArgumentException("iou must be in (0, 1]");
        }
        if (maxDet < 1) {
            throw new IllegalArgumentException("maxDet must be at least 1");
        }
    }
}
