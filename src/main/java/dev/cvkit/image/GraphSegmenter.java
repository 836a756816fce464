package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_ximgproc.createGraphSegmentation;

import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_ximgproc.GraphSegmentation;

/**
 * Felzenszwalb–Huttenlocher graph-based segmentation (OpenCV ximgproc): the initial regions
 * that selective search groups. Deterministic: no randomness inside.
 */
public final class GraphSegmenter {
    private GraphSegmenter() {}

    /** Labels per pixel (row-major) in 0..count-1; the label count is {@code max + 1}. */
    public static int[] segment(Planes planes, double sigma, float k, int minSize) {
        try (Mat img = ColourSpace.toMat(planes);
             Mat labels = new Mat();
             GraphSegmentation gs = createGraphSegmentation(sigma, k, minSize)) {
            gs.processImage(img, labels);
            int[] out = new int[planes.pixels()];
            IntIndexer idx = labels.createIndexer();
            try {
                idx.get(0L, out);
            } finally {
                idx.release();
            }
            return out;
        }
    }
}
