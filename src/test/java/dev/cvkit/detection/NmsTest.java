package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The three NMS variants on hand-worked examples. */
class NmsTest {
    @Test
    void faceApiSsdKeepsBoxesUpToTheIouThresholdAndRespectsScoreAndCount() {
        // [ymin, xmin, ymax, xmax]: box 1 covers 2/3 of box 0 (IoU 0.667), box 2 covers 0.81 of it;
        // both are suppressed by box 0 (IoU > 0.5); box 3 is below the score threshold.
        float[] boxes = {0, 0, 10, 10,  0, 0, 10, 20f / 3,  1, 1, 10, 10,  20, 20, 30, 30};
        float[] scores = {0.9f, 0.8f, 0.85f, 0.1f};
        assertEquals(List.of(0), Nms.faceApiSsd(boxes, scores, 100, 0.5, 0.2));
        float[] half = {0, 0, 10, 10,  0, 5, 10, 15}; // IoU 50/150 = 1/3
        assertEquals(List.of(1), Nms.faceApiSsd(half, new float[] {0.6f, 0.7f}, 100, 0.3, 0.2), "1/3 > 0.3: only the best");
        assertEquals(List.of(1, 0), Nms.faceApiSsd(half, new float[] {0.6f, 0.7f}, 100, 0.34, 0.2), "1/3 <= 0.34: both, best first");
        assertEquals(List.of(1), Nms.faceApiSsd(half, new float[] {0.6f, 0.7f}, 1, 0.34, 0.2), "max count");
    }

    @Test
    void greedyXyxyTakesTheLaterIndexOnTies() {
        double[] boxes = {0, 0, 10, 10,  0, 0, 10, 10,  50, 50, 60, 60};
        assertEquals(List.of(1, 2), Nms.greedyXyxy(boxes, new double[] {0.5, 0.5, 0.4}, 0.4));
    }

    @Test
    void perClassSuppressesOnlyWithinAClass() {
        // two identical boxes: class 0 scores 0.9 / 0.8, class 1 scores 0.3 / 0.7
        float[] boxes = {0, 0, 10, 10,  0, 0, 10, 10};
        float[] scores = {0.9f, 0.3f,  0.8f, 0.7f};
        List<int[]> kept = Nms.perClass(boxes, scores, 2, 0.05, 0.6, 100);
        assertEquals(2, kept.size());
        assertEquals(List.of(0, 0), List.of(kept.get(0)[0], kept.get(0)[1]), "box 0 class 0 (0.9)");
        assertEquals(List.of(1, 1), List.of(kept.get(1)[0], kept.get(1)[1]), "box 1 class 1 (0.7)");
        assertEquals(1, Nms.perClass(boxes, scores, 2, 0.75, 0.6, 100).size(), "score threshold");
        assertEquals(1, Nms.perClass(boxes, scores, 2, 0.05, 0.6, 1).size(), "max count");
    }

    @Test
    void agnosticSuppressesAcrossClasses() {
        // the same two identical boxes plus a far one: one object, one box, its best class
        float[] boxes = {0, 0, 10, 10,  0, 0, 10, 10,  50, 50, 60, 60};
        float[] scores = {0.9f, 0.3f,  0.8f, 0.7f,  0.2f, 0.6f};
        List<int[]> kept = Nms.agnostic(boxes, scores, 2, 0.05, 0.6, 100);
        assertEquals(2, kept.size());
        assertEquals(List.of(0, 0), List.of(kept.get(0)[0], kept.get(0)[1]), "box 0 class 0 (0.9)");
        assertEquals(List.of(2, 1), List.of(kept.get(1)[0], kept.get(1)[1]), "the far box, class 1 (0.6)");
        // a pair just below the IoU threshold stays: [0,0,10,10] and [5,0,15,10] overlap by 1/3
        float[] apart = {0, 0, 10, 10,  5, 0, 15, 10};
        assertEquals(2, Nms.agnostic(apart, new float[] {0.9f, 0f, 0f, 0.8f}, 2, 0.05, 0.4, 100).size());
        assertEquals(1, Nms.agnostic(apart, new float[] {0.9f, 0f, 0f, 0.8f}, 2, 0.05, 0.3, 100).size());
        assertEquals(1, Nms.agnostic(boxes, scores, 2, 0.05, 0.6, 1).size(), "max count");
    }
}
