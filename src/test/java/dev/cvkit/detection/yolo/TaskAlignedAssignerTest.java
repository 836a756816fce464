package dev.cvkit.detection.yolo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Task-aligned assignment on a hand-computed case. */
class TaskAlignedAssignerTest {
    /**
     * Box g0 = [0,0,20,20] (class 0) holds points 0–2; point 3 lies outside. The predicted boxes
     * share g0's centre and aspect, so CIoU = IoU: point 0 predicts g0 itself (u = 1), point 1
     * [5,5,15,15] (u = ¼), point 2 [2.5,2.5,17.5,17.5] (u = 0.5625). With class-0 scores ¼, 0.81
     * and 0.04, t = √s·u⁶ is ½, 0.9/4096 and 0.2·0.5625⁶: the top two are points 0 and 2, and
     * their target scores t·max u / max t are 1 and 0.4·0.5625⁶. Box g1 = [0,0,10,10] (class 1)
     * also holds point 0, but point 0 overlaps g0 more (CIoU 0.1875 with g1), so it stays with g0.
     */
    @Test
    void takesTheTopAlignedPointsAndNormalisesTheirScores() {
        float[] points = {5, 5, 15, 5, 5, 15, 25, 25};
        float[] pred = {0, 0, 20, 20, 5, 5, 15, 15, 2.5f, 2.5f, 17.5f, 17.5f, 30, 30, 40, 40};
        float[] scores = {0.25f, 0.5f, 0.81f, 0.5f, 0.04f, 0.5f, 0.9f, 0.9f};
        float[] gt = {0, 0, 20, 20, 0, 0, 10, 10};
        TaskAlignedAssigner.Assignment a = new TaskAlignedAssigner(2, 0.5, 6).assign(points, pred, scores, 2, gt, new int[] {0, 1});
        assertArrayEquals(new int[] {0, -1, 0, -1}, a.gt());
        assertEquals(2, a.positives());
        assertEquals(1.0, a.scores()[0], 1e-6);
        assertEquals(0.4 * Math.pow(0.5625, 6), a.scores()[2 * 2], 1e-6);
        for (int i : new int[] {1, 2, 3, 5, 6, 7}) assertEquals(0f, a.scores()[i], "score " + i);
    }

    @Test
    void anImageWithoutBoxesIsAllBackground() {
        TaskAlignedAssigner.Assignment a = TaskAlignedAssigner.yolov8().assign(new float[] {4, 4}, new float[] {0, 0, 8, 8},
                new float[] {0.9f}, 1, new float[0], new int[0]);
        assertArrayEquals(new int[] {-1}, a.gt());
        assertArrayEquals(new float[] {0f}, a.scores());
    }
}
