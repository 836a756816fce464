package dev.cvkit.detection;

/**
 * Post-processing knobs: keep detections with score above {@code conf}, suppress overlaps above
 * {@code iou} (intersection over union), keep at most {@code maxDet}. With {@code agnostic},
 * overlaps are suppressed across classes too (one box per object, its best class). {@code imgsz}
 * is the network's input side for a detector that can run at other sizes (0: the model's own).
 */
public record DetectParams(float conf, float iou, int maxDet, boolean agnostic, int imgsz) {
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
        if (imgsz != 0 && (imgsz < 32 || imgsz > 4096 || imgsz % 32 != 0)) {
            throw new IllegalArgumentException("imgsz must be a multiple of 32 from 32 to 4096, got " + imgsz);
        }
    }

    /** Per-class suppression at the model's own input size. */
    public DetectParams(float conf, float iou, int maxDet) {
        this(conf, iou, maxDet, false, 0);
    }

    /** The same with class-agnostic suppression on or off and input side {@code imgsz} (0: the model's). */
    public DetectParams with(boolean agnostic, int imgsz) {
        return new DetectParams(conf, iou, maxDet, agnostic, imgsz);
    }
}
