package dev.cvkit.detection.rcnnsvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** R-CNN's regression targets and the ridge fit on data whose answer is known. */
class BoxRegressionTest {
    /** P = (0, 0, 10, 20): centre (5, 10), 10 × 20; G = (5, 0, 15, 40): centre (10, 20), 10 × 40. */
    @Test
    void targetsAreTheRcnnParametrisation() {
        float[] p = {0, 0, 10, 20}, g = {5, 0, 15, 40};
        float[] t = BoxRegression.targets(g, p);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f, (float) Math.log(2)}, t, 1e-6f);
        assertArrayEquals(g, BoxRegression.apply(t, p), 1e-4f);
    }

    /** Noise-free y = 2·x0 − x1 + 3 (and a second output 0.5·x2 − 1): a tiny λ recovers the coefficients and biases. */
    @Test
    void ridgeRecoversAnExactLinearMap() {
        Random rng = new Random(1);
        int n = 50, d = 3;
        float[] x = new float[n * d];
        double[] y = new double[2 * n];
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            for (int j = 0; j < d; j++) x[i * d + j] = (float) rng.nextGaussian();
            y[2 * i] = 2 * x[i * d] - x[i * d + 1] + 3;
            y[2 * i + 1] = 0.5 * x[i * d + 2] - 1;
        }
        double[][] r = BoxRegression.ridge(x, d, rows, y, 2, 1e-9);
        assertArrayEquals(new double[] {2, -1, 0, 0, 0, 0.5}, r[0], 1e-6);
        assertArrayEquals(new double[] {3, -1}, r[1], 1e-6);
    }

    /**
     * One feature, x = (−1, 0, 1), y = (1, 3, 5) (slope 2, mean 3), λ = 2: the centred normal
     * equation is (Σx² + λ) w = Σxy, i.e. (2 + 2) w = 4, so w = 1 and b = ȳ − w·x̄ = 3 (the bias is
     * not shrunk).
     */
    @Test
    void ridgeShrinksTheSlopeButNotTheBias() {
        double[][] r = BoxRegression.ridge(new float[] {-1, 0, 1}, 1, new int[] {0, 1, 2}, new double[] {1, 3, 5}, 1, 2);
        assertEquals(1.0, r[0][0], 1e-12);
        assertEquals(3.0, r[1][0], 1e-12);
    }
}
