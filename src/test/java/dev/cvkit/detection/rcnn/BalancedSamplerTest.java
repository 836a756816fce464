package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Counts as torchvision's sampler, rows drawn only from their class, repeatable from the seed, and roughly uniform. */
class BalancedSamplerTest {
    private static float[] labels() {
        float[] l = new float[1000];
        for (int i = 0; i < l.length; i++) l[i] = i % 50 == 0 ? 1 : i % 7 == 0 ? -1 : 0; // 20 positive, 123 ignored
        return l;
    }

    @Test
    void countsFollowTorchvision() {
        float[] l = labels();
        BalancedSampler rpn = new BalancedSampler(256, 0.5f);
        BalancedSampler.Sample s = rpn.sample(l, new SplittableRandom(1));
        assertEquals(20, s.positives().length, "all 20 positives (fewer than 128)");
        assertEquals(236, s.negatives().length, "negatives fill the batch");
        for (int i : s.positives()) assertEquals(1f, l[i]);
        for (int i : s.negatives()) assertEquals(0f, l[i]);
        assertEquals(s.negatives().length, Arrays.stream(s.negatives()).distinct().count(), "without replacement");
        assertTrue(isSorted(s.negatives()));
        BalancedSampler.Sample few = new BalancedSampler(8, 0.25f).sample(l, new SplittableRandom(1));
        assertEquals(2, few.positives().length);
        assertEquals(6, few.negatives().length);
    }

    @Test
    void repeatableFromTheSeedAndSpreadOut() {
        float[] l = labels();
        BalancedSampler s = new BalancedSampler(64, 0.25f);
        assertArrayEquals(s.sample(l, new SplittableRandom(5)).negatives(), s.sample(l, new SplittableRandom(5)).negatives());
        assertNotEquals(Arrays.toString(s.sample(l, new SplittableRandom(5)).negatives()),
                Arrays.toString(s.sample(l, new SplittableRandom(6)).negatives()));
        // each negative is drawn with probability 48/857: over 2000 draws, first and second half alike
        int[] hits = new int[l.length];
        SplittableRandom rng = new SplittableRandom(9);
        for (int r = 0; r < 2000; r++) for (int i : s.sample(l, rng).negatives()) hits[i]++;
        long low = 0, high = 0;
        for (int i = 0; i < l.length; i++) {
            if (i < 500) low += hits[i];
            else high += hits[i];
        }
        assertEquals(1.0, (double) low / high, 0.05);
        assertThrows(IllegalArgumentException.class, () -> new BalancedSampler(0, 0.5f));
    }

    private static boolean isSorted(int[] a) {
        for (int i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
        return true;
    }
}
