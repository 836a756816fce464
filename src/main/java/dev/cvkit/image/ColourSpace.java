package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2Lab;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The colour spaces selective search diversifies over (Uijlings et al. 2013, table 1): each has
 * different invariances, so segmenting in several finds more object boundaries.
 */
public enum ColourSpace {
    /** Hue, saturation, value; OpenCV 8-bit hue is 0..179. */
    HSV,
    /** CIE L*a*b*, 8-bit scaled by OpenCV. */
    LAB,
    /** Normalised r, g and intensity: invariant to shadows in r and g. */
    RGI,
    /** Hue alone. */
    HUE,
    /** Intensity (grey) alone. */
    INTENSITY;

    /** Converts an 8-bit BGR image. */
    public Planes convert(Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        byte[] px = MatBytes.get(bgr);
        int n = w * h;
        switch (this) {
            case HSV:
            case HUE: {
                byte[] hsv;
                try (Mat m = new Mat()) {
                    cvtColor(bgr, m, COLOR_BGR2HSV);
                    hsv = MatBytes.get(m);
                }
                byte[][] planes = split(hsv, 3, n);
                return this == HSV ? new Planes(w, h, planes, new int[] {180, 256, 256})
                        : new Planes(w, h, new byte[][] {planes[0]}, new int[] {180});
            }
            case LAB: {
                try (Mat m = new Mat()) {
                    cvtColor(bgr, m, COLOR_BGR2Lab);
                    return new Planes(w, h, split(MatBytes.get(m), 3, n), new int[] {256, 256, 256});
                }
            }
            case INTENSITY: {
                try (Mat m = new Mat()) {
                    cvtColor(bgr, m, COLOR_BGR2GRAY);
                    return new Planes(w, h, new byte[][] {MatBytes.get(m)}, new int[] {256});
                }
            }
            case RGI: {
                byte[] r = new byte[n];
                byte[] g = new byte[n];
                byte[] in = new byte[n];
                for (int i = 0; i < n; i++) {
                    int b0 = px[3 * i] & 0xFF;
                    int g0 = px[3 * i + 1] & 0xFF;
                    int r0 = px[3 * i + 2] & 0xFF;
                    int sum = r0 + g0 + b0;
                    r[i] = (byte) (sum == 0 ? 0 : Math.min(255, (r0 * 255 + sum / 2) / sum));
                    g[i] = (byte) (sum == 0 ? 0 : Math.min(255, (g0 * 255 + sum / 2) / sum));
                    in[i] = (byte) ((sum + 1) / 3);
                }
                return new Planes(w, h, new byte[][] {r, g, in}, new int[] {256, 256, 256});
            }
            default:
                throw new IllegalStateException();
        }
    }

    /** Planes back into an interleaved 8-bit Mat (for OpenCV's graph segmentation). */
    public static Mat toMat(Planes p) {
        int c = p.channels();
        int n = p.pixels();
        byte[] inter = new byte[n * c];
        for (int ch = 0; ch < c; ch++) {
            byte[] src = p.data()[ch];
            for (int i = 0; i < n; i++) {
                inter[i * c + ch] = src[i];
            }
        }
        Mat m = new Mat(p.height(), p.width(), org.bytedeco.opencv.global.opencv_core.CV_8UC(c));
        m.data().put(inter);
        return m;
    }

    private static byte[][] split(byte[] inter, int c, int n) {
        byte[][] out = new byte[c][n];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                out[ch][i] = inter[i * c + ch];
            }
        }
        return out;
    }
}
