package dev.cvkit.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.structures.BoxOps;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class SelectiveSearchTest {
    /** Three flat-coloured rectangles on a noisy grey background: every one must be proposed. */
    static final int[][] OBJECTS = {{20, 30, 60, 40}, {110, 20, 50, 90}, {40, 100, 90, 35}};

    static Mat synthetic() {
        int w = 180;
        int h = 150;
        byte[] px = new byte[w * h * 3];
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < w * h; i++) {
            int g = 120 + rng.nextInt(16);
            px[3 * i] = (byte) g;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) g;
        }
        int[][] colours = {{20, 20, 220}, {30, 200, 40}, {210, 60, 20}};
        for (int o = 0; o < OBJECTS.length; o++) {
            int[] r = OBJECTS[o];
            for (int y = r[1]; y < r[1] + r[3]; y++) {
                for (int x = r[0]; x < r[0] + r[2]; x++) {
                    int i = y * w + x;
                    px[3 * i] = (byte) colours[o][0];
                    px[3 * i + 1] = (byte) colours[o][1];
                    px[3 * i + 2] = (byte) colours[o][2];
                }
            }
        }
        Mat m = new Mat(h, w, opencv_core.CV_8UC3);
        m.data().put(px);
        return m;
    }

    @Test
    void findsEveryObjectAlmostExactly() {
        try (Mat img = synthetic()) {
            int[][] boxes = new SelectiveSearch(SelectiveSearchMode.FAST, 1).propose(img);
            assertTrue(boxes.length > 10, "proposals: " + boxes.length);
            for (int[] o : OBJECTS) {
                double best = 0;
                for (int[] b : boxes) {
                    best = Math.max(best, BoxOps.iou(o[0], o[1], o[2], o[3], b[0], b[1], b[2], b[3]));
                }
                assertTrue(best >= 0.9, Arrays.toString(o) + " best IoU " + best);
            }
            for (int[] b : boxes) {
                assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] >= 1 && b[3] >= 1 && b[0] + b[2] <= 180 && b[1] + b[3] <= 150,
                        Arrays.toString(b));
            }
            assertEquals(boxes.length, Arrays.stream(boxes).map(Arrays::toString).distinct().count(), "no duplicates");
        }
    }

    @Test
    void orderIsAFunctionOfTheSeedAndTheSetIsNot() {
        try (Mat img = synthetic()) {
            int[][] a = new SelectiveSearch(SelectiveSearchMode.SINGLE, 5).propose(img);
            int[][] b = new SelectiveSearch(SelectiveSearchMode.SINGLE, 5).propose(img);
            int[][] c = new SelectiveSearch(SelectiveSearchMode.SINGLE, 6).propose(img);
            assertArrayEquals(a, b);
            assertFalse(Arrays.deepEquals(a, c), "another seed ranks differently");
            Comparator<int[]> lex = Arrays::compare;
            int[][] sa = a.clone();
            int[][] sc = c.clone();
            Arrays.sort(sa, lex);
            Arrays.sort(sc, lex);
            assertArrayEquals(sa, sc);
        }
    }

    @Test
    void moreDiversificationGivesMoreProposals() {
        try (Mat img = synthetic()) {
            int single = new SelectiveSearch(SelectiveSearchMode.SINGLE, 1).propose(img).length;
            int fast = new SelectiveSearch(SelectiveSearchMode.FAST, 1).propose(img).length;
            assertTrue(fast > single, single + " vs " + fast);
        }
    }

    @Test
    void adjacencyListsEachNeighbouringPairOnce() {
        int[] labels = {
            0, 0, 1,
            0, 2, 1,
            3, 3, 3};
        long[] edges = HierarchicalGrouping.adjacency(labels, 3, 3);
        long[] expected = {pair(0, 1), pair(0, 2), pair(0, 3), pair(1, 2), pair(1, 3), pair(2, 3)};
        assertArrayEquals(expected, edges);
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | b;
    }
}
