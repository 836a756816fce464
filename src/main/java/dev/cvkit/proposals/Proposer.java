package dev.cvkit.proposals;

import org.bytedeco.opencv.opencv_core.Mat;

/** Proposes candidate object boxes for one image. Implementations are thread-safe. */
public interface Proposer {
    /**
     * @param bgr an 8-bit BGR image (not modified)
     * @return boxes as int[N][4] {x, y, w, h} in the image's pixels, best-ranked first, no duplicates
     */
    int[][] propose(Mat bgr);
}
