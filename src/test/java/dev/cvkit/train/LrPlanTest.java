package dev.cvkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The schedule by iteration: warm-up, cosine, and a warm-up capped for short runs. */
class LrPlanTest {
    @Test
    void warmsUpLinearlyThenFollowsTheCosine() {
        LrPlan p = new LrPlan(0.1f, 100, 1000);
        assertEquals(0.1 * 0.001 * (0.01 + 0.99), p.lr(0), 1e-9);
        assertEquals(0.1 * 0.501 * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * 0.05))), p.lr(50), 1e-7);
        assertEquals(0.1 * (0.01 + 0.99 * 0.5), p.lr(500), 1e-7, "half way down the cosine");
        assertEquals(0.1 * 0.01, p.lr(1000), 1e-9, "1 % of the base rate at the end");
    }

    @Test
    void aShortRunWarmsUpForAFifthOfItsIterations() {
        LrPlan p = new LrPlan(0.1f, 80, 50); // 80 warm-up iterations asked for, 50 planned
        assertEquals(0.1 * (0.001 + 5 / 10.0) * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * 0.1))), p.lr(5), 1e-7);
        assertTrue(p.lr(10) > 0.09, "warm after 10 = 50 / 5 iterations: " + p.lr(10));
        assertEquals(new LrPlan(0.1f, 80, 1000).lr(40), new LrPlan(0.1f, 80, 1000).lr(40), "a long run keeps its warm-up");
        assertEquals(0.1 * (0.001 + 40 / 80.0) * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * 0.04))), new LrPlan(0.1f, 80, 1000).lr(40), 1e-7);
    }
}
