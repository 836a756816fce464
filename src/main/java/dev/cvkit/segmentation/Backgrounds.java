package dev.cvkit.segmentation;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.cvkit.image.RgbImage;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * What person segmentation is mostly used for: the image kept where the soft mask says
 * foreground and something else behind it, {@code out = α·image + (1 − α)·background} per pixel,
 * with the background the image blurred, another image scaled to cover it, or a colour.
 */
public final class Backgrounds {
    /** Colour names {@code --background} accepts, as RGB. */
    public static final Map<String, int[]> COLOURS = Map.of(
            "black", new int[] {0, 0, 0},
            "white", new int[] {255, 255, 255},
            "grey", new int[] {128, 128, 128},
            "gray", new int[] {128, 128, 128},
            "red", new int[] {255, 0, 0},
            "green", new int[] {0, 255, 0},
            "blue", new int[] {0, 0, 255});

    private Backgrounds() {}

    /**
     * A colour: a name of {@link #COLOURS}, {@code #rrggbb}, {@code #rgb} or {@code r,g,b}
     * (0..255 each); null when {@code text} is none of these.
     */
    public static int[] parseColour(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (COLOURS.containsKey(t)) {
            return COLOURS.get(t).clone();
        }
        if (t.matches("#[0-9a-f]{6}")) {
            int v = Integer.parseInt(t.substring(1), 16);
            return new int[] {v >> 16, (v >> 8) & 0xff, v & 0xff};
        }
        if (t.matches("#[0-9a-f]{3}")) {
            int[] c = new int[3];
            for (int i = 0; i < 3; i++) {
                c[i] = Integer.parseInt(t.substring(i + 1, i + 2), 16) * 17;
            }
            return c;
        }
        if (t.matches("\\d{1,3},\\d{1,3},\\d{1,3}")) {
            String[] p = t.split(",");
            int[] c = new int[3];
            for (int i = 0; i < 3; i++) {
                c[i] = Integer.parseInt(p[i]);
                if (c[i] > 255) {
                    return null;
                }
            }
            return c;
        }
        return null;
    }

    /** An image of one colour. */
    public static RgbImage solid(int width, int height, int[] rgb) {
        byte[] b = new byte[width * height * 3];
        for (int i = 0; i < b.length; i += 3) {
            b[i] = (byte) rgb[0];
            b[i + 1] = (byte) rgb[1];
            b[i + 2] = (byte) rgb[2];
        }
        return new RgbImage(width, height, b);
    }

    /** The blur's Gaussian sigma for an image: 2 % of its longer side, at least 2 pixels. */
    public static double blurSigma(int width, int height) {
        return Math.max(2.0, 0.02 * Math.max(width, height));
    }

    /** The image under a Gaussian blur of {@link #blurSigma} (reflected borders). */
    public static RgbImage blurred(RgbImage im) {
        double sigma = blurSigma(im.width(), im.height());
        try (Mat m = im.toBgrMat(); Mat out = new Mat(); Size none = new Size(0, 0)) {
            GaussianBlur(m, out, none, sigma, sigma, BORDER_REFLECT_101, 1 /* ALGO_HINT_ACCURATE */);
            return RgbImage.fromMat(out);
        }
    }

    /** {@code bg} scaled (keeping its aspect ratio) to cover width × height, the middle part cut out. */
    public static RgbImage cover(RgbImage bg, int width, int height) {
        if (bg.width() == width && bg.height() == height) {
            return bg;
        }
        double s = Math.max(width / (double) bg.width(), height / (double) bg.height());
        int sw = Math.max(width, (int) Math.ceil(bg.width() * s - 1e-9)), sh = Math.max(height, (int) Math.ceil(bg.height() * s - 1e-9));
        try (Mat m = bg.toBgrMat(); Mat scaled = new Mat(); Size size = new Size(sw, sh)) {
            resize(m, scaled, size, 0, 0, s < 1 ? INTER_AREA : INTER_LINEAR);
            try (Rect r = new Rect((sw - width) / 2, (sh - height) / 2, width, height); Mat crop = new Mat(scaled, r)) {
                return RgbImage.fromMat(crop);
            }
        }
    }

    /** A soft mask as 8-bit values: round(255·α), α clamped to [0, 1]. */
    public static byte[] alphaBytes(float[] alpha) {
        byte[] b = new byte[alpha.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.round(Math.min(1f, Math.max(0f, alpha[i])) * 255f);
        }
        return b;
    }

    /** α·fg + (1 − α)·bg per pixel, rounded; fg, bg and α have the same size. */
    public static RgbImage composite(RgbImage fg, RgbImage bg, float[] alpha) {
        if (fg.width() != bg.width() || fg.height() != bg.height() || alpha.length != fg.width() * fg.height()) {
            throw new IllegalArgumentException("composite: sizes differ");
        }
        byte[] f = fg.rgb(), b = bg.rgb(), out = new byte[f.length];
        for (int q = 0; q < alpha.length; q++) {
            float a = Math.min(1f, Math.max(0f, alpha[q]));
            for (int c = 0; c < 3; c++) {
                int i = 3 * q + c;
                out[i] = (byte) Math.round(a * (f[i] & 0xff) + (1 - a) * (b[i] & 0xff));
            }
        }
        return new RgbImage(fg.width(), fg.height(), out);
    }
}
