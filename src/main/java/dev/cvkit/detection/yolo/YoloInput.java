package dev.cvkit.detection.yolo;

import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * The YOLO networks' input: each image stretched to imgsz × imgsz (bilinear, pixel centres
 * aligned as OpenCV's INTER_LINEAR; a plain copy at the same size) and scaled to [0, 1], as a
 * batch [N, 3, imgsz, imgsz]. Boxes move by the same per-axis factors.
 */
public final class YoloInput {
    private YoloInput() {}

    public static Tensor batch(List<RgbImage> images, int size) {
        int hw = size * size;
        float[] x = new float[images.size() * 3 * hw];
        for (int n = 0; n < images.size(); n++) fill(images.get(n), size, x, n * 3 * hw);
        return Tensor.of(x, images.size(), 3, size, size);
    }

    private static void fill(RgbImage im, int size, float[] x, int off) {
        int w = im.width(), h = im.height(), hw = size * size;
        byte[] p = im.rgb();
        if (w == size && h == size) {
            for (int q = 0; q < hw; q++) {
                for (int c = 0; c < 3; c++) x[off + c * hw + q] = (p[3 * q + c] & 0xff) / 255f;
            }
            return;
        }
        double sx = w / (double) size, sy = h / (double) size;
        for (int y = 0; y < size; y++) {
            double fy = Math.max(0, Math.min(h - 1, (y + 0.5) * sy - 0.5));
            int y0 = (int) fy, y1 = Math.min(h - 1, y0 + 1);
            double ty = fy - y0;
            for (int xx = 0; xx < size; xx++) {
                double fx = Math.max(0, Math.min(w - 1, (xx + 0.5) * sx - 0.5));
                int x0 = (int) fx, x1 = Math.min(w - 1, x0 + 1);
                double tx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double v = (1 - ty) * ((1 - tx) * (p[3 * (y0 * w + x0) + c] & 0xff) + tx * (p[3 * (y0 * w + x1) + c] & 0xff))
                            + ty * ((1 - tx) * (p[3 * (y1 * w + x0) + c] & 0xff) + tx * (p[3 * (y1 * w + x1) + c] & 0xff));
                    x[off + c * hw + y * size + xx] = (float) (v / 255);
                }
            }
        }
    }

    /** Boxes (x1, y1, x2, y2) of a w × h image in the input's pixels. */
    public static float[] toInput(float[] boxes, int w, int h, int size) {
        float[] b = boxes.clone();
        float fx = size / (float) w, fy = size / (float) h;
        for (int k = 0; k < b.length; k += 4) {
            b[k] *= fx;
            b[k + 1] *= fy;
            b[k + 2] *= fx;
            b[k + 3] *= fy;
        }
        return b;
    }
}
