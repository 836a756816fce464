package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws a classification label (class and score) in a filled box at the top-left of an image,
 * for {@code classify --save}. Small images (a 28×28 digit) are first enlarged with
 * nearest-neighbour so the text is readable; the font scales with the image.
 */
public final class LabelDrawing {
    private static final int MIN_SIDE = 224;

    private LabelDrawing() {}

    /**
     * @param ext output format by file extension ("png", "jpg", ...)
     * @return the encoded image
     */
    public static byte[] draw(Pixels image, String text, String ext) {
        try (Mat src = image.toMat()) {
            Mat img = src;
            Mat big = null;
            try {
                int side = Math.min(src.rows(), src.cols());
                if (side < MIN_SIDE) {
                    int f = (MIN_SIDE + side - 1) / side;
                    big = new Mat();
                    resize(src, big, new Size(src.cols() * f, src.rows() * f), 0, 0, INTER_NEAREST);
                    img = big;
                }
                if (img.channels() == 1) {
                    Mat bgr = new Mat();
                    org.bytedeco.opencv.global.opencv_imgproc.cvtColor(img, bgr, org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
                    if (big != null) {
                        big.close();
                    }
                    big = bgr;
                    img = bgr;
                } else if (big == null) {
                    big = img.clone();
                    img = big;
                }
                double scale = Math.max(0.5, Math.min(img.rows(), img.cols()) / 400.0);
                int thick = Math.max(1, (int) Math.round(scale * 1.5));
                String t = Charts.ascii(text);
                int[] base = new int[1];
                int tw;
                int th;
                try (Size sz = getTextSize(t, FONT_HERSHEY_SIMPLEX, scale, thick, base)) {
                    tw = sz.width();
                    th = sz.height();
                }
                int pad = (int) Math.round(6 * scale);
                rectangle(img, new Point(0, 0), new Point(tw + 2 * pad, th + base[0] + 2 * pad), new Scalar(40, 40, 40, 0), -1, LINE_AA, 0);
                putText(img, t, new Point(pad, pad + th), FONT_HERSHEY_SIMPLEX, scale, new Scalar(80, 255, 80, 0), thick, LINE_AA, false);
                try (BytePointer buf = new BytePointer()) {
                    if (!imencode("." + ext.toLowerCase(Locale.ROOT), img, buf)) {
                        throw new IllegalStateException("cannot encode ." + ext);
                    }
                    byte[] out = new byte[(int) buf.limit()];
                    buf.get(out);
                    return out;
                }
            } finally {
                if (big != null) {
                    big.close();
                }
            }
        }
    }
}
