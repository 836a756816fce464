package dev.cvkit.proposals;

import static org.bytedeco.opencv.global.opencv_ximgproc.createSelectiveSearchSegmentation;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_ximgproc.SelectiveSearchSegmentation;

/**
 * OpenCV ximgproc's own selective search, kept as a peer to compare against. Its ranking draws
 * from the C library's global rand(), so calls are serialised and the order is OpenCV's, not
 * seeded: use {@link SelectiveSearch} for reproducible output.
 */
public final class OpencvSelectiveSearch implements Proposer {
    private static final Object GLOBAL_RAND = new Object();
    private final SelectiveSearchMode mode;

    public OpencvSelectiveSearch(SelectiveSearchMode mode) {
        this.mode = mode;
    }

    @Override
    public int[][] propose(Mat bgr) {
        synchronized (GLOBAL_RAND) {
            try (SelectiveSearchSegmentation ss = createSelectiveSearchSegmentation(); RectVector rects = new RectVector()) {
                ss.setBaseImage(bgr);
                switch (mode) {
                    case SINGLE -> ss.switchToSingleStrategy();
                    case FAST -> ss.switchToSelectiveSearchFast();
                    case QUALITY -> ss.switchToSelectiveSearchQuality();
                    default -> throw new IllegalStateException();
                }
                ss.process(rects);
                int[][] out = new int[(int) rects.size()][];
                for (int i = 0; i < out.length; i++) {
                    Rect r = rects.get(i);
                    out[i] = new int[] {r.x(), r.y(), r.width(), r.height()};
                }
                return out;
            }
        }
    }
}
