package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.Sobel;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Oriented Gaussian-derivative responses, quantised: selective search's texture feature
 * (Uijlings et al.: σ = 1, eight orientations, ten bins per orientation and channel).
 */
public final class Gradients {
    public static final int ORIENTATIONS = 8;

    private Gradients() {}

    /**
     * For each channel c and orientation o, the bin (0..bins-1) of every pixel's rectified
     * derivative along angle o·45°, scaled by that (channel, orientation)'s maximum.
     * Result index: {@code [c * ORIENTATIONS + o][pixel]}.
     */
    public static byte[][] orientedBins(Planes p, int bins) {
        int n = p.pixels();
        byte[][] out = new byte[p.channels() * ORIENTATIONS][n];
        for (int c = 0; c < p.channels(); c++) {
            float[] gx;
            float[] gy;
            try (Mat ch = new Mat(p.height(), p.width(), org.bytedeco.opencv.global.opencv_core.CV_8UC1);
                 Mat f = new Mat(); Mat dx = new Mat(); Mat dy = new Mat()) {
                ch.data().put(p.data()[c]);
                ch.convertTo(f, CV_32F);
                GaussianBlur(f, f, new Size(0, 0), 1.0, 1.0, BORDER_REFLECT_101, 1 /* ALGO_HINT_ACCURATE */);
                Sobel(f, dx, CV_32F, 1, 0);
                Sobel(f, dy, CV_32F, 0, 1);
                gx = MatBytes.getFloats(dx);
                gy = MatBytes.getFloats(dy);
            }
            float[] resp = new float[n];
            for (int o = 0; o < ORIENTATIONS; o++) {
                double a = o * Math.PI / 4;
                float ca = (float) Math.cos(a);
                float sa = (float) Math.sin(a);
                float max = 0f;
                for (int i = 0; i < n; i++) {
                    float r = Math.max(0f, ca * gx[i] + sa * gy[i]);
                    resp[i] = r;
                    max = Math.max(max, r);
                }
                byte[] dst = out[c * ORIENTATIONS + o];
                if (max > 0f) {
                    float scale = bins / max;
                    for (int i = 0; i < n; i++) {
                        dst[i] = (byte) Math.min(bins - 1, (int) (resp[i] * scale));
                    }
                }
            }
        }
        return out;
    }
}
