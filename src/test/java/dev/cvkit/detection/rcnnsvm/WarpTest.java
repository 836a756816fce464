package dev.cvkit.detection.rcnnsvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.image.RgbImage;
import org.junit.jupiter.api.Test;

/** The warped region: box stretched to the inner square, context around it, zero outside the image. */
class WarpTest {
    /** A 20 × 10 image, left half red (255, 0, 0), right half blue (0, 0, 255). */
    private static RgbImage halves() {
        byte[] p = new byte[20 * 10 * 3];
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                int q = 3 * (y * 20 + x);
                if (x < 10) p[q] = (byte) 255;
                else p[q + 2] = (byte) 255;
            }
        }
        return new RgbImage(20, 10, p);
    }

    @Test
    void stretchesTheBoxIntoTheInnerSquareWithContextAround() {
        Warp w = new Warp(12, 2);
        float[] out = new float[w.floats()];
        // the right half (10..20 × 0..10) into the 8 × 8 inner square; 2 crop px of context = 2.5 image px
        w.crop(halves(), new float[] {10, 0, 20, 10}, 0, false, out, 0);
        int plane = 144;
        float red = (1f - 0.5f) / 0.25f, none = (0f - 0.5f) / 0.25f;
        // inside: blue, no red
        assertEquals(red, out[2 * plane + 6 * 12 + 6], 1e-5f);
        assertEquals(none, out[6 * 12 + 6], 1e-5f);
        // the left context column is red image (x ≈ 8.75), the right context is beyond the image: 0
        assertEquals(red, out[6 * 12], 1e-5f);
        assertEquals(0f, out[6 * 12 + 11], 0f);
        assertEquals(0f, out[2 * plane + 11], 0f); // above the image too
    }

    @Test
    void mirrorFlipsLeftAndRight() {
        Warp w = new Warp(12, 2);
        float[] a = new float[w.floats()], b = new float[w.floats()];
        float[] box = {3, 1, 17, 9};
        w.crop(halves(), box, 0, false, a, 0);
        w.crop(halves(), box, 0, true, b, 0);
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 12; v++) {
                for (int u = 0; u < 12; u++) assertEquals(a[c * 144 + v * 12 + u], b[c * 144 + v * 12 + 11 - u], 0f);
            }
        }
    }
}
