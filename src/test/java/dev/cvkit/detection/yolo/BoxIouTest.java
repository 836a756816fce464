package dev.cvkit.detection.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** IoU, GIoU and CIoU against hand-computed values, and their gradients against finite differences. */
class BoxIouTest {
    private static final float[] A = {0, 0, 2, 2}, B = {1, 1, 3, 3};

    @Test
    void valuesOfTwoOverlappingSquares() {
        // intersection 1, union 4 + 4 − 1 = 7, enclosing box 3×3 (area 9, diagonal² 18), centres 1 apart on each axis
        assertEquals(1.0 / 7, BoxIou.value(BoxIou.Kind.IOU, A, 0, B, 0, null), 1e-6);
        assertEquals(1.0 / 7 - 2.0 / 9, BoxIou.value(BoxIou.Kind.GIOU, A, 0, B, 0, null), 1e-6);
        // same aspect ratio: v = 0, so CIoU = IoU − ρ²/c² = 1/7 − 2/18
        assertEquals(1.0 / 7 - 2.0 / 18, BoxIou.value(BoxIou.Kind.CIOU, A, 0, B, 0, null), 1e-6);
    }

    @Test
    void ciouAspectTermOfNestedBoxes() {
        // p = [0,0,4,2] inside g = [0,0,4,4]: IoU ½, centres (2,1) and (2,2), enclosing 4×4
        float[] p = {0, 0, 4, 2}, g = {0, 0, 4, 4};
        double v = 4 / (Math.PI * Math.PI) * Math.pow(Math.atan(1) - Math.atan(2), 2);
        double alpha = v / (v - 0.5 + 1);
        assertEquals(0.5 - 1.0 / 32 - alpha * v, BoxIou.value(BoxIou.Kind.CIOU, p, 0, g, 0, null), 1e-6);
    }

    /** The aspect term v of CIoU. */
    private static double v(float[] p, float[] g) {
        double d = Math.atan((g[2] - g[0]) / (g[3] - g[1] + 1e-7)) - Math.atan((p[2] - p[0]) / (p[3] - p[1] + 1e-7));
        return 4 / (Math.PI * Math.PI) * d * d;
    }

    /** The value with CIoU's α held at its value at {@code at} (α carries no gradient, as in Ultralytics). */
    private static double frozen(BoxIou.Kind kind, float[] p, float[] g, float[] at) {
        double value = BoxIou.value(kind, p, 0, g, 0, null);
        if (kind != BoxIou.Kind.CIOU) return value;
        double iouP = BoxIou.iou(p, 0, g, 0), iouAt = BoxIou.iou(at, 0, g, 0);
        double alphaP = v(p, g) / (v(p, g) - iouP + 1 + 1e-7), alphaAt = v(at, g) / (v(at, g) - iouAt + 1 + 1e-7);
        return value + alphaP * v(p, g) - alphaAt * v(p, g);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        float[][][] cases = {
            {{1.3f, 2.1f, 6.2f, 5.4f}, {2, 1, 7, 6}},     // partial overlap
            {{0.5f, 0.7f, 3.1f, 9.2f}, {1, 1, 4, 4}},     // tall prediction across a square
            {{10, 10, 12, 13}, {0, 0, 4, 4}},             // disjoint (GIoU and CIoU still pull)
        };
        for (BoxIou.Kind kind : BoxIou.Kind.values()) {
            for (float[][] c : cases) {
                if (kind == BoxIou.Kind.IOU && c[0][0] == 10) continue; // IoU is flat when disjoint
                double[] grad = new double[4];
                BoxIou.value(kind, c[0], 0, c[1], 0, grad);
                for (int k = 0; k < 4; k++) {
                    float[] up = c[0].clone(), down = c[0].clone();
                    up[k] += 1e-3f;
                    down[k] -= 1e-3f;
                    double fd = (frozen(kind, up, c[1], c[0]) - frozen(kind, down, c[1], c[0])) / (up[k] - down[k]);
                    assertEquals(fd, grad[k], 2e-4, kind + " coordinate " + k);
                }
            }
        }
    }
}
