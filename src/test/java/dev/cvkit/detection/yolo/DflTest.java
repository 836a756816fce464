package dev.cvkit.detection.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** DFL decoding (the softmax's expectation) and the distribution focal loss with its gradient. */
class DflTest {
    @Test
    void decodesTheExpectedDistance() {
        // logits read with a stride of 2: bins 0..3 hold ln 1, ln 3, ln 0 (−∞), ln 4 → p = 1/8, 3/8, 0, 4/8
        float[] z = {0, 99, (float) Math.log(3), 99, -1000, 99, (float) Math.log(4)};
        assertEquals(0 * 0.125 + 1 * 0.375 + 3 * 0.5, Dfl.distance(z, 0, 2, 4), 1e-6);
    }

    @Test
    void lossIsTheCrossEntropyTowardTheTwoNeighbouringBins() {
        double[] p = {0.1, 0.2, 0.3, 0.4};
        // target 1.25: 0.75 toward bin 1, 0.25 toward bin 2
        assertEquals(-0.75 * Math.log(0.2) - 0.25 * Math.log(0.3), Dfl.loss(p, 4, 1.25, 1, null), 1e-9);
        // an integer target puts all its weight on its own bin
        assertEquals(-Math.log(0.3), Dfl.loss(p, 4, 2.0, 1, null), 1e-9);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        float[] z = {0.3f, -1.2f, 2.0f, 0.7f, -0.1f};
        double t = 2.6;
        double[] p = new double[5], grad = new double[5];
        Dfl.softmax(z, 0, 1, 5, p);
        Dfl.loss(p, 5, t, 2.0, grad);
        for (int k = 0; k < 5; k++) {
            float[] up = z.clone(), down = z.clone();
            up[k] += 1e-3f;
            down[k] -= 1e-3f;
            double[] pu = new double[5], pd = new double[5];
            Dfl.softmax(up, 0, 1, 5, pu);
            Dfl.softmax(down, 0, 1, 5, pd);
            double fd = 2.0 * (Dfl.loss(pu, 5, t, 1, null) - Dfl.loss(pd, 5, t, 1, null)) / (up[k] - down[k]);
            assertEquals(fd, grad[k], 1e-4, "bin " + k);
        }
    }
}
