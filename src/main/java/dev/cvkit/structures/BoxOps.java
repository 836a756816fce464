package dev.cvkit.structures;

/** Box arithmetic on {x, y, w, h} boxes in continuous pixel coordinates (COCO convention). */
public final class BoxOps {
    private BoxOps() {}

    /** Intersection over union of two XYWH boxes; 0 when either is empty. */
    public static double iou(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh) {
        double iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
        double ih = Math.min(ay + ah, by + bh) - Math.max(ay, by);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / (aw * ah + bw * bh - inter);
    }
}
