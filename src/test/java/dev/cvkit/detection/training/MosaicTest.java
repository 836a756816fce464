package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mosaic keeps boxes exact: moved with their image, clipped to its quadrant, dropped exactly when less than 1 px shows. */
class MosaicTest {
    private static final int W = 48, H = 40;

    /** An iw × ih image whose pixel (x, y) is (x, y, 200 + k): each pixel names its image and its place. */
    private static RgbImage coded(int k, int iw, int ih) {
        byte[] p = new byte[3 * iw * ih];
        for (int y = 0; y < ih; y++) {
            for (int x = 0; x < iw; x++) {
                p[3 * (y * iw + x)] = (byte) x;
                p[3 * (y * iw + x) + 1] = (byte) y;
                p[3 * (y * iw + x) + 2] = (byte) (200 + k);
            }
        }
        return new RgbImage(iw, ih, p);
    }

    /** Boxes on a coarse grid over the image, from thin ones at the borders to large ones; label = 100·k + index. */
    private static BoxAugment.Sample sample(int k, int iw, int ih) {
        List<float[]> boxes = new ArrayList<>();
        for (float x = 0; x < iw - 1; x += 5.5f) {
            for (float y = 0; y < ih - 1; y += 4.5f) {
                boxes.add(new float[] {x, y, Math.min(iw, x + 1.5f + (x * 7 % 13)), Math.min(ih, y + 1.25f + (y * 5 % 11))});
            }
        }
        float[] b = new float[4 * boxes.size()];
        int[] l = new int[boxes.size()];
        for (int i = 0; i < l.length; i++) {
            System.arraycopy(boxes.get(i), 0, b, 4 * i, 4);
            l[i] = 100 * k + i;
        }
        return new BoxAugment.Sample(coded(k, iw, ih), b, l);
    }

    @Test
    void clipsAndDropsAtTheQuadrantByHand() {
        // top-left quadrant of a 40×30 output around centre (20, 10); a 10×10 image zoomed 2×: its
        // bottom-right corner on the centre, so its top-left corner at (0, −10)
        Mosaic.Tile t = Mosaic.tile(0, 20, 10, 40, 30, 10, 10, 2.0);
        assertEquals(0.0, t.ox());
        assertEquals(-10.0, t.oy());
        assertArrayEquals(new float[] {2, 4, 8, 10}, t.place(new float[] {1, 7, 4, 10}, 0));     // wholly inside
        assertArrayEquals(new float[] {2, 0, 8, 6}, t.place(new float[] {1, 4, 4, 8}, 0));      // top cut off
        assertArrayEquals(new float[] {2, 0, 8, 1.2f}, t.place(new float[] {1, 4, 4, 5.6f}, 0), 1e-5f); // 1.2 px left: kept
        assertNull(t.place(new float[] {1, 4, 4, 5.4f}, 0));                                   // 0.8 px left: dropped
        assertNull(t.place(new float[] {1, 1, 4, 4}, 0));                                      // wholly above
        // bottom-right quadrant: the image's top-left corner on the centre
        Mosaic.Tile br = Mosaic.tile(3, 20, 10, 40, 30, 10, 10, 1.5);
        assertArrayEquals(new float[] {23, 14.5f, 29, 22}, br.place(new float[] {2, 3, 6, 8}, 0));
    }

    @Test
    void everyKeptBoxIsItsClippedPlacementAndFramesItsPixels() {
        int[][] sizes = {{40, 30}, {32, 32}, {50, 20}, {24, 36}};
        List<BoxAugment.Sample> four = new ArrayList<>();
        int total = 0;
        for (int k = 0; k < 4; k++) {
            four.add(sample(k, sizes[k][0], sizes[k][1]));
            total += four.get(k).labels().length;
        }
        int dropped = 0, kept = 0;
        for (long seed = 0; seed < 40; seed++) {
            BoxAugment.Sample m = Mosaic.combine(four, W, H, new SplittableRandom(seed));
            // the draws, in their documented order: centre x, centre y, then one zoom per image
            SplittableRandom r = new SplittableRandom(seed);
            int cx = (int) Math.round(W * (0.25 + 0.5 * r.nextDouble())), cy = (int) Math.round(H * (0.25 + 0.5 * r.nextDouble()));
            double[] z = new double[4];
            for (int k = 0; k < 4; k++) z[k] = 0.5 + r.nextDouble();
            int out = 0;
            for (int k = 0; k < 4; k++) {
                boolean right = k % 2 == 1, bottom = k >= 2;
                double ox = right ? cx : cx - z[k] * sizes[k][0], oy = bottom ? cy : cy - z[k] * sizes[k][1];
                int qx1 = right ? cx : 0, qx2 = right ? W : cx, qy1 = bottom ? cy : 0, qy2 = bottom ? H : cy;
                BoxAugment.Sample s = four.get(k);
                for (int b = 0; b < s.labels().length; b++) {
                    double x1 = Math.max(qx1, ox + z[k] * s.boxes()[4 * b]), x2 = Math.min(qx2, ox + z[k] * s.boxes()[4 * b + 2]);
                    double y1 = Math.max(qy1, oy + z[k] * s.boxes()[4 * b + 1]), y2 = Math.min(qy2, oy + z[k] * s.boxes()[4 * b + 3]);
                    if (x2 - x1 < 1 || y2 - y1 < 1) {
                        dropped++;
                        continue;
                    }
                    kept++;
                    assertEquals(s.labels()[b], m.labels()[out], "seed " + seed);
                    float[] expected = {(float) x1, (float) y1, (float) x2, (float) y2};
                    float[] got = java.util.Arrays.copyOfRange(m.boxes(), 4 * out, 4 * out + 4);
                    assertArrayEquals(expected, got, 1e-4f, "seed " + seed + " label " + s.labels()[b]);
                    // the pixel at the kept box's centre comes from image k, from inside the original box,
                    // at the source pixel the placement maps it to
                    int px = (int) Math.floor((x1 + x2) / 2), py = (int) Math.floor((y1 + y2) / 2);
                    assertEquals(200 + k, m.image().at(px, py, 2), "seed " + seed);
                    int sx = m.image().at(px, py, 0), sy = m.image().at(px, py, 1);
                    assertEquals((int) Math.floor((px + 0.5 - ox) / z[k]), sx);
                    assertEquals((int) Math.floor((py + 0.5 - oy) / z[k]), sy);
                    assertTrue(sx + 1 > s.boxes()[4 * b] && sx < s.boxes()[4 * b + 2], "source x inside the original box");
                    assertTrue(sy + 1 > s.boxes()[4 * b + 1] && sy < s.boxes()[4 * b + 3], "source y inside the original box");
                    out++;
                }
            }
            assertEquals(out, m.labels().length, "no box beyond the expected ones, seed " + seed);
            // every pixel is grey or from the image of its quadrant
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int k = (x >= cx ? 1 : 0) + (y >= cy ? 2 : 0), b = m.image().at(x, y, 2);
                    assertTrue(b == 200 + k || (b == 114 && m.image().at(x, y, 0) == 114), "pixel " + x + "," + y + " seed " + seed);
                }
            }
        }
        assertEquals(40 * total, kept + dropped);
        assertTrue(dropped > 100 && kept > 100, "both cases occur: kept " + kept + ", dropped " + dropped);
    }
}
