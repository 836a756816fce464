package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cvkit.UserError;
import dev.cvkit.image.RgbImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Augmentation moves pixels and boxes together, and proposals exactly as the ground truth. */
class BoxAugmentTest {
    /** A 20×10 image whose pixel (x, y) has red x, green y. */
    private static RgbImage ramp() {
        byte[] p = new byte[20 * 10 * 3];
        for (int y = 0; y < 10; y++) for (int x = 0; x < 20; x++) {
            p[3 * (y * 20 + x)] = (byte) x;
            p[3 * (y * 20 + x) + 1] = (byte) y;
        }
        return new RgbImage(20, 10, p);
    }

    @Test
    void flipsMovePixelsAndBoxesAlike() {
        BoxAugment a = BoxAugment.parse("hflip,vflip");
        float[] box = {2, 1, 5, 4};
        for (long seed = 0; seed < 16; seed++) {
            BoxAugment.Sample s = a.apply(ramp(), box, new int[] {3}, new SplittableRandom(seed));
            float[] b = s.boxes();
            // the pixel at the box's top-left inside corner came from the original box's matching corner
            int x = (int) b[0], y = (int) b[1];
            int srcX = s.image().at(x, y, 0), srcY = s.image().at(x, y, 1);
            boolean fx = srcX != x, fy = srcY != y;
            assertEquals(fx ? 4 : 2, srcX, "x source, seed " + seed);
            assertEquals(fy ? 3 : 1, srcY, "y source, seed " + seed);
            assertEquals(3f, b[2] - b[0]);
            assertEquals(3f, b[3] - b[1]);
            assertArrayEquals(b, a.boxesOnly(box, 20, 10, new SplittableRandom(seed)), "proposals move as the ground truth");
        }
    }

    @Test
    void zoomKeepsProposalsWithTheGroundTruth() {
        BoxAugment a = BoxAugment.parse("hflip,scale,color");
        float[] box = {8, 3, 12, 7};
        for (long seed = 0; seed < 16; seed++) {
            BoxAugment.Sample s = a.apply(ramp(), box, new int[] {1}, new SplittableRandom(seed));
            float[] p = a.boxesOnly(box, 20, 10, new SplittableRandom(seed));
            if (s.labels().length == 1) assertArrayEquals(s.boxes(), p, 1e-5f, "seed " + seed);
        }
        assertEquals("hflip,color,scale", a.spec());
        assertThrows(UserError.class, () -> BoxAugment.parse("none,hflip"));
    }
}
