package dev.cvkit.detection.rcnnsvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Platt scaling against its maximum-likelihood solution worked out by hand. */
class PlattTest {
    /**
     * 400 regions at margin −1 (100 correct) and 400 at +1 (300 correct): 400 positives and 400
     * negatives, so the smoothed targets are 401/402 and 1/402. The sigmoid can fit both groups'
     * mean targets exactly, p(+1) = (300·401/402 + 100/402)/400 and p(−1) = (100·401/402 +
     * 300/402)/400, which are symmetric about 0.5: B = 0 and A = logit p(+1).
     */
    @Test
    void fitsTheMeanTargetsOfTwoGroups() {
        List<Double> m = new ArrayList<>();
        List<Boolean> y = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            m.add(-1.0);
            y.add(i < 100);
            m.add(1.0);
            y.add(i < 300);
        }
        double hi = 401.0 / 402, lo = 1.0 / 402;
        double pPlus = (300 * hi + 100 * lo) / 400;
        double[] ab = Platt.fit(m, y);
        assertEquals(Math.log(pPlus / (1 - pPlus)), ab[0], 1e-6);
        assertEquals(0.0, ab[1], 1e-6);
    }

    @Test
    void withOneLabelOnlyItIsThePlainLogistic() {
        double[] ab = Platt.fit(List.of(0.5, -0.3), List.of(false, false));
        assertEquals(1.0, ab[0], 0);
        assertEquals(0.0, ab[1], 0);
    }
}
