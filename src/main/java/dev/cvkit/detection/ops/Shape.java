package dev.cvkit.detection.ops;

import dev.cvkit.tensor.Tensor;
import java.util.Arrays;

/**
 * Checked sizes of a RoI op: features [n, c, h, w], k RoIs of 5 values whose batch index
 * (truncated to int, as torchvision reads it) names an image of the batch.
 */
record Shape(int n, int c, int h, int w, int k) {
    static Shape of(String op, Tensor features, Tensor rois, int outH, int outW) {
        if (features.dim() != 4) {
            throw new IllegalArgumentException(op + ": features must be [N, C, H, W], got " + Arrays.toString(features.shape()));
        }
        if (rois.dim() != 2 || rois.size(1) != 5) {
            throw new IllegalArgumentException(op + ": rois must be [K, 5] (batch index, x1, y1, x2, y2), got "
                    + Arrays.toString(rois.shape()));
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": output size must be positive, got " + outH + "x" + outW);
        }
        Shape s = new Shape(features.size(0), features.size(1), features.size(2), features.size(3), rois.size(0));
        float[] r = rois.data();
        for (int i = 0; i < s.k; i++) {
            float b = r[i * 5];
            if (!(b > -1 && (int) b < s.n)) {
                throw new IllegalArgumentException(op + ": RoI " + i + " has batch index " + b + ", batch has " + s.n + " images");
            }
        }
        return s;
    }
}
