package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns one {@link Pixels} image into a model input (float CHW, see {@link Preprocessing}),
 * applying training {@link Augmentation} when given. Thread-safe: it holds only configuration.
 *
 * <p>Resizing uses bilinear interpolation when enlarging and pixel-area averaging when shrinking
 * (OpenCV's advice; it avoids aliasing when a photo becomes 28×28). The centre crop and all
 * geometric augmentation are one affine warp with zero borders; whole-pixel shifts and flips are
 * exact copies of pixels.
 */
public final class Preprocessor {
    private final Preprocessing prep;
    private final Augmentation aug;
    /** Tests switch the plain-copy path off to compare it with the OpenCV warp. */
    boolean copyPath = true;

    public Preprocessor(Preprocessing prep, Augmentation aug) {
        this.prep = prep;
        this.aug = aug == null ? Augmentation.NONE : aug;
    }

    public Preprocessing preprocessing() { return prep; }

    /**
     * Writes {@code prep.sampleSize()} floats, CHW, at {@code out[offset...]}.
     *
     * @param sampleSeed seeds this sample's augmentation draws (ignored without augmentation)
     */
    public void apply(Pixels src, long sampleSeed, float[] out, int offset) {
        Pixels ready = geometry(src, aug.isNone() ? null : new SplittableRandom(sampleSeed));
        toFloats(ready, out, offset);
        if (aug.jitter() > 0) {
            jitter(out, offset, new SplittableRandom(~sampleSeed));
        }
        normalise(out, offset);
    }

    /** Colour conversion, resize, crop and geometric augmentation; returns H×W×channels bytes. */
    Pixels geometry(Pixels src, SplittableRandom rng) {
        int h = prep.height();
        int w = prep.width();
        boolean sameSize = src.height() == h && src.width() == w
                && (prep.resize() == 0 || prep.resize() == Math.min(h, w));
        boolean noWarp = rng == null || (!aug.flip() && aug.shift() == 0 && aug.scale() == 0);
        if (sameSize && noWarp && src.channels() == prep.channels()) {
            return src; // the common MNIST case: no OpenCV call at all
        }
        if (copyPath && src.channels() == prep.channels() && aug.scale() == 0 && noScaling(src)) {
            // only whole-pixel moves (crop/pad, flip, shift): plain copies, identical to the warp
            int top = prep.resize() > 0 ? (int) Math.rint((src.height() - h) / 2.0) : 0;
            int left = prep.resize() > 0 ? (int) Math.rint((src.width() - w) / 2.0) : 0;
            return shiftCopy(src, left, top, draw(rng));
        }
        try (Mat mat = src.toMat(); Mat colour = convertChannels(mat)) {
            Mat base = colour;
            Mat resized = null;
            double left = 0;
            double top = 0;
            try {
                if (prep.resize() > 0) {
                    int short0 = Math.min(src.height(), src.width());
                    int long0 = Math.max(src.height(), src.width());
                    // like torchvision's Resize(int): the shorter side becomes resize, the longer truncates
                    int longer = (int) ((long) prep.resize() * long0 / short0);
                    int rh = src.height() <= src.width() ? prep.resize() : longer;
                    int rw = src.height() <= src.width() ? longer : prep.resize();
                    if (rh != src.height() || rw != src.width()) {
                        resized = resizeTo(colour, rw, rh);
                        base = resized;
                    }
                    top = Math.rint((rh - h) / 2.0);
                    left = Math.rint((rw - w) / 2.0);
                } else if (src.height() != h || src.width() != w) {
                    resized = resizeTo(colour, w, h);
                    base = resized;
                }
                if (left == 0 && top == 0 && noWarp && base.rows() == h && base.cols() == w) {
                    return Pixels.of(base);
                }
                return Pixels.of(warp(base, left, top, rng));
            } finally {
                if (resized != null) {
                    resized.close();
                }
            }
        }
    }

    /** True when the resize step would leave the image as it is. */
    private boolean noScaling(Pixels src) {
        if (prep.resize() == 0) {
            return src.height() == prep.height() && src.width() == prep.width();
        }
        return Math.min(src.height(), src.width()) == prep.resize();
    }

    /** The random geometric draws of one sample, in a fixed order: flip, dx, dy, scale. */
    private record Moves(boolean flip, int dx, int dy, double scale) {}

    private Moves draw(SplittableRandom rng) {
        boolean flip = false;
        int dx = 0;
        int dy = 0;
        double s = 1;
        if (rng != null) {
            if (aug.flip()) {
                flip = rng.nextBoolean();
            }
            if (aug.shift() > 0) {
                dx = rng.nextInt(2 * aug.shift() + 1) - aug.shift();
                dy = rng.nextInt(2 * aug.shift() + 1) - aug.shift();
            }
            if (aug.scale() > 0) {
                s = 1 + (rng.nextDouble() * 2 - 1) * aug.scale();
            }
        }
        return new Moves(flip, dx, dy, s);
    }

    /** Output (x, y) takes source (x', y') with x' = left + (flip ? w-1-(x-dx) : x-dx), y' = top + y - dy; 0 outside. */
    private Pixels shiftCopy(Pixels src, int left, int top, Moves mv) {
        int h = prep.height();
        int w = prep.width();
        int ch = src.channels();
        byte[] in = src.data();
        byte[] out = new byte[h * w * ch];
        for (int y = 0; y < h; y++) {
            int sy = top + y - mv.dy();
            if (sy < 0 || sy >= src.height()) {
                continue;
            }
            for (int x = 0; x < w; x++) {
                int xf = x - mv.dx();
                int sx = left + (mv.flip() ? w - 1 - xf : xf);
                if (sx < 0 || sx >= src.width()) {
                    continue;
                }
                System.arraycopy(in, (sy * src.width() + sx) * ch, out, (y * w + x) * ch, ch);
            }
        }
        return new Pixels(h, w, ch, out);
    }

    private Mat convertChannels(Mat mat) {
        Mat out = new Mat();
        if (mat.channels() == prep.channels()) {
            mat.copyTo(out);
        } else {
            cvtColor(mat, out, prep.channels() == 1 ? COLOR_BGR2GRAY : COLOR_GRAY2BGR);
        }
        return out;
    }

    private static Mat resizeTo(Mat src, int w, int h) {
        Mat dst = new Mat();
        boolean shrinking = w < src.cols() && h < src.rows();
        resize(src, dst, new Size(w, h), 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
        return dst;
    }

    /**
     * One affine map, source to output: crop offset, then (drawn in this order) flip, shift,
     * scale about the output centre. Pixels from outside the source are 0.
     */
    private Mat warp(Mat base, double left, double top, SplittableRandom rng) {
        int h = prep.height();
        int w = prep.width();
        Moves mv = draw(rng);
        boolean flip = mv.flip();
        int dx = mv.dx();
        int dy = mv.dy();
        double s = mv.scale();
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        // x_crop = x_src - left; x_flip = flip ? (w-1) - x_crop : x_crop; x_out = s*(x_flip - cx) + cx + dx
        double a = flip ? -s : s;
        double bx = flip ? s * ((w - 1) + left - cx) + cx + dx : s * (-left - cx) + cx + dx;
        double by = s * (-top - cy) + cy + dy;
        Mat m = new Mat(2, 3, org.bytedeco.opencv.global.opencv_core.CV_64F);
        try (org.bytedeco.javacpp.indexer.DoubleIndexer idx = m.createIndexer()) {
            idx.put(0, 0, a).put(0, 1, 0).put(0, 2, bx);
            idx.put(1, 0, 0).put(1, 1, s).put(1, 2, by);
        }
        Mat dst = new Mat();
        try (m; Scalar zero = new Scalar(0.0)) {
            warpAffine(base, dst, m, new Size(w, h), INTER_LINEAR, BORDER_CONSTANT, zero);
        }
        return dst;
    }

    /** Bytes HWC (BGR) to floats CHW (RGB) in [0, 1]. */
    private void toFloats(Pixels px, float[] out, int offset) {
        int hw = px.height() * px.width();
        int ch = px.channels();
        byte[] d = px.data();
        for (int c = 0; c < ch; c++) {
            int srcC = ch == 3 ? 2 - c : 0; // BGR in memory, RGB in the tensor
            int o = offset + c * hw;
            for (int i = 0; i < hw; i++) {
                out[o + i] = (d[i * ch + srcC] & 0xFF) / 255f;
            }
        }
    }

    /** Brightness, contrast and (colour only) saturation, each clamped to [0, 1]. */
    private void jitter(float[] x, int offset, SplittableRandom rng) {
        int hw = prep.height() * prep.width();
        int ch = prep.channels();
        int n = hw * ch;
        float j = aug.jitter();
        float b = (float) (1 + (rng.nextDouble() * 2 - 1) * j);
        float c = (float) (1 + (rng.nextDouble() * 2 - 1) * j);
        float s = (float) (1 + (rng.nextDouble() * 2 - 1) * j);
        for (int i = 0; i < n; i++) {
            x[offset + i] = clamp01(x[offset + i] * b);
        }
        double sum = 0;
        for (int i = 0; i < hw; i++) {
            sum += gray(x, offset, i, hw, ch);
        }
        float mean = (float) (sum / hw);
        for (int i = 0; i < n; i++) {
            x[offset + i] = clamp01((x[offset + i] - mean) * c + mean);
        }
        if (ch == 3) {
            for (int i = 0; i < hw; i++) {
                float g = gray(x, offset, i, hw, ch);
                for (int k = 0; k < 3; k++) {
                    int at = offset + k * hw + i;
                    x[at] = clamp01((x[at] - g) * s + g);
                }
            }
        }
    }

    /** ITU-R 601 luma of pixel i (RGB planes), or the value itself for one channel. */
    private static float gray(float[] x, int offset, int i, int hw, int ch) {
        if (ch == 1) {
            return x[offset + i];
        }
        return 0.299f * x[offset + i] + 0.587f * x[offset + hw + i] + 0.114f * x[offset + 2 * hw + i];
    }

    private static float clamp01(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    private void normalise(float[] x, int offset) {
        int hw = prep.height() * prep.width();
        float[] mean = prep.mean();
        float[] std = prep.std();
        for (int c = 0; c < prep.channels(); c++) {
            float m = mean[c];
            float sd = std[c];
            int o = offset + c * hw;
            for (int i = 0; i < hw; i++) {
                x[o + i] = (x[o + i] - m) / sd; // divide, as torchvision's Normalize does
            }
        }
    }
}
