package dev.cvkit.detection.rcnnsvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The dual coordinate descent SVM against optima that can be checked by hand, and its own duality gap. */
class LinearSvmTest {
    /**
     * Positives (3, ±1), negatives (1, ±1), bias feature B = 1, C large (hard margin):
     * min ½(w1² + w2² + b²) with 3w1 + b ≥ 1 and w1 + b ≤ −1. Both constraints are active at
     * w = (1, 0), b = −2 (the KKT multipliers 1.5 and 3.5 are positive), objective 2.5.
     */
    @Test
    void findsTheHardMarginSolutionByHand() {
        float[] x = {3, 1, 3, -1, 1, 1, 1, -1};
        LinearSvm.Result r = new LinearSvm(1e6, 1e6, 1, 1e-9, 100_000).train(x, 2, new int[] {0, 1, 2, 3},
                new boolean[] {true, true, false, false}, 7);
        assertEquals(1.0, r.model().w()[0], 1e-4);
        assertEquals(0.0, r.model().w()[1], 1e-4);
        assertEquals(-2.0, r.model().bias(), 1e-4);
        assertEquals(2.5, r.primal(), 1e-2); // C·(tiny violations) adds to the primal
        assertEquals(2.5, r.dual(), 1e-3);
        // every point on its margin
        for (int i = 0; i < 4; i++) assertEquals(1.0, Math.abs(r.model().score(x, 2 * i)), 1e-4);
    }

    /**
     * One positive at x = 2, one negative at x = −2, no bias, small C = 0.1: the dual optimum has
     * both α at C (hinge active), so w = Σ y α x = 0.1·2 + 0.1·2 = 0.4 and the primal is
     * ½·0.16 + 2·0.1·(1 − 0.8) = 0.12.
     */
    @Test
    void softMarginWithBoxConstraintsActive() {
        LinearSvm.Result r = new LinearSvm(0.1, 0.1, 0, 1e-9, 10_000).train(new float[] {2, -2}, 1, new int[] {0, 1},
                new boolean[] {true, false}, 1);
        assertEquals(0.4, r.model().w()[0], 1e-6);
        assertEquals(0.0, r.model().bias(), 0);
        assertEquals(0.12, r.primal(), 1e-6);
        assertEquals(0.12, r.dual(), 1e-6);
    }

    /** Overlapping Gaussian classes: the primal and dual objectives meet (strong duality), and rows are addressed by index. */
    @Test
    void closesTheDualityGapOnOverlappingData() {
        Random rng = new Random(3);
        int n = 400, d = 5;
        float[] x = new float[(n + 10) * d];
        int[] rows = new int[n];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i + 10; // the first rows are not used
            y[i] = i % 2 == 0;
            for (int j = 0; j < d; j++) x[(i + 10) * d + j] = (float) (rng.nextGaussian() + (y[i] ? 0.7 : -0.7) * (j == 0 ? 1 : 0));
        }
        LinearSvm.Result r = new LinearSvm(2, 1, 10, 1e-6, 100_000).train(x, d, rows, y, 5);
        assertTrue(r.primal() >= r.dual() - 1e-9, r.toString());
        assertEquals(r.primal(), r.dual(), 1e-3 * r.primal(), r.toString());
        assertTrue(r.model().w()[0] > 5 * Math.abs(r.model().w()[1]), "the informative feature dominates: " + java.util.Arrays.toString(r.model().w()));
    }
}
