package dev.cvkit.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SlidingWindowsTest {
    @Test
    void windowsCoverTheImageLargestFirst() {
        int[][] w = new SlidingWindows(new double[] {0.5, 1.0}, new double[] {1.0}, 0.5).windows(100, 100);
        assertEquals(1 + 9, w.length); // the whole image, then a 3x3 grid of 50-pixel windows
        assertArrayEquals(new int[] {0, 0, 100, 100}, w[0]);
        assertArrayEquals(new int[] {0, 0, 50, 50}, w[1]);
        assertArrayEquals(new int[] {25, 0, 50, 50}, w[2]);
        assertArrayEquals(new int[] {50, 50, 50, 50}, w[9]);
    }

    @Test
    void aspectRatioKeepsTheAreaAndTheLastWindowIsFlushWithTheBorder() {
        int[][] w = new SlidingWindows(new double[] {0.5}, new double[] {2.0}, 0.5).windows(120, 100);
        // side 50 at aspect 2: 71 x 35; x steps of 36 → 0, 36 then flush at 49
        assertArrayEquals(new int[] {0, 0, 71, 35}, w[0]);
        assertArrayEquals(new int[] {36, 0, 71, 35}, w[1]);
        assertArrayEquals(new int[] {49, 0, 71, 35}, w[2]);
        assertArrayEquals(new int[] {49, 65, 71, 35}, w[w.length - 1]);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(new double[] {0}, new double[] {1}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(new double[] {0.5}, new double[] {1}, 0));
    }
}
