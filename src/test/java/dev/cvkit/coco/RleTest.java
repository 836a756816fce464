package dev.cvkit.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RLE codec, area, box, merge, rasterisation and IoU against pycocotools (fixtures/coco/masks.json). */
class RleTest {
    private static final JsonNode MASKS = Fixtures.json("masks.json");

    @Test
    void polygonsRasteriseLikePycocotools() {
        int n = 0;
        for (JsonNode c : MASKS.get("polygons")) {
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            Rle merged;
            if (c.has("box")) {
                merged = Polygons.fromBbox(Fixtures.doubles(c.get("box")), h, w);
            } else {
                List<double[]> parts = new ArrayList<>();
                for (JsonNode p : c.get("parts")) {
                    parts.add(Fixtures.doubles(p));
                }
                for (int i = 0; i < parts.size(); i++) {
                    assertEquals(c.get("part_rles").get(i).asText(),
                            Polygons.fromPolygon(parts.get(i), h, w).toCompressedString(), "part " + i + " of " + c);
                }
                merged = Polygons.fromPolygons(parts, h, w);
            }
            assertEquals(c.get("merged").asText(), merged.toCompressedString(), c.toString());
            assertEquals(c.get("area").asLong(), merged.area());
            assertArrayEquals(Fixtures.doubles(c.get("bbox")), merged.toBbox());
            n++;
        }
        assertEquals(110, n);
    }

    @Test
    void encodeDecodeAndStringsMatch() {
        for (JsonNode c : MASKS.get("encode")) {
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            String bits = c.get("mask_colmajor").asText();
            byte[] mask = new byte[bits.length()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = (byte) (bits.charAt(i) - '0');
            }
            Rle r = Rle.encode(mask, h, w);
            assertArrayEquals(Fixtures.ints(c.get("counts")), r.counts());
            assertEquals(c.get("string").asText(), r.toCompressedString());
            assertEquals(c.get("area").asLong(), r.area());
            assertArrayEquals(Fixtures.doubles(c.get("bbox")), r.toBbox());
            Rle back = Rle.fromCompressedString(c.get("string").asText(), h, w);
            assertEquals(r, back);
            assertArrayEquals(mask, back.decode());
        }
    }

    @Test
    void uncompressedCountsCompressLikePycocotools() {
        for (JsonNode c : MASKS.get("uncompressed")) {
            Rle r = Rle.ofCounts(c.get("h").asInt(), c.get("w").asInt(), Fixtures.ints(c.get("counts")));
            assertEquals(c.get("string").asText(), r.toCompressedString());
            assertArrayEquals(Fixtures.ints(c.get("counts")),
                    Rle.fromCompressedString(c.get("string").asText(), r.height(), r.width()).counts());
        }
    }

    @Test
    void mergeUnionAndIntersection() {
        for (JsonNode c : MASKS.get("merge")) {
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            List<Rle> rles = new ArrayList<>();
            for (JsonNode s : c.get("rles")) {
                rles.add(Rle.fromCompressedString(s.asText(), h, w));
            }
            assertEquals(c.get("union").asText(), Rle.merge(rles, false).toCompressedString());
            assertEquals(c.get("intersection").asText(), Rle.merge(rles, true).toCompressedString());
        }
    }

    @Test
    void maskAndBoxIouMatchIncludingCrowds() {
        for (JsonNode c : MASKS.get("iou")) {
            int h = c.get("h").asInt();
            int w = c.get("w").asInt();
            Rle[] dt = rles(c.get("dt"), h, w);
            Rle[] gt = rles(c.get("gt"), h, w);
            boolean[] crowd = crowd(c.get("iscrowd"));
            double[] o = Iou.masks(dt, gt, crowd);
            assertMatrix(c.get("iou"), o, gt.length);
        }
        for (JsonNode c : MASKS.get("bbox_iou")) {
            double[] dt = flat(c.get("dt"));
            double[] gt = flat(c.get("gt"));
            assertMatrix(c.get("iou"), Iou.boxes(dt, gt, crowd(c.get("iscrowd"))), gt.length / 4);
        }
    }

    @Test
    void handChecks() {
        // 3x2 mask, column-major [0,1,1 | 1,0,0]: runs 1,3,2; area 3; box x 0..1, y 0..2
        Rle r = Rle.encode(new byte[] {0, 1, 1, 1, 0, 0}, 3, 2);
        assertArrayEquals(new int[] {1, 3, 2}, r.counts());
        assertEquals(3, r.area());
        assertArrayEquals(new double[] {0, 0, 2, 3}, r.toBbox());
        // box [0,0,1,1] covers exactly the first pixel
        assertArrayEquals(new int[] {0, 1, 11}, Polygons.fromBbox(new double[] {0, 0, 1, 1}, 3, 4).counts());
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("0 ", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Rle.ofCounts(1, 2, new int[] {1, 5}).decode());
    }

    @Test
    void crossingsSortLikeAFullSort() {
        java.util.Random rnd = new java.util.Random(5);
        for (int rep = 0; rep < 200; rep++) {
            int h = 1 + rnd.nextInt(300);
            int w = 1 + rnd.nextInt(300);
            int n = rnd.nextInt(500);
            Polygons.Crossings c = new Polygons.Crossings(n);
            int[] want = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int col = rnd.nextInt(w);
                int minV = rnd.nextInt(5 * h + 20) - 10;
                c.add(col, minV, h);
                // reference: pycocotools' floating-point row, ceil((minV+.5)/5-.5) clamped to [0, h]
                double yd = (minV + .5) / 5 - .5;
                yd = yd < 0 ? 0 : Math.min(yd, h);
                want[i] = col * h + (int) Math.ceil(yd);
            }
            want[n] = h * w;
            java.util.Arrays.sort(want);
            assertArrayEquals(want, c.sorted(h, w));
        }
    }

    private static Rle[] rles(JsonNode strings, int h, int w) {
        Rle[] out = new Rle[strings.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Rle.fromCompressedString(strings.get(i).asText(), h, w);
        }
        return out;
    }

    private static boolean[] crowd(JsonNode flags) {
        boolean[] out = new boolean[flags.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flags.get(i).asInt() != 0;
        }
        return out;
    }

    private static double[] flat(JsonNode boxes) {
        double[] out = new double[4 * boxes.size()];
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = 0; j < 4; j++) {
                out[4 * i + j] = boxes.get(i).get(j).asDouble();
            }
        }
        return out;
    }

    private static void assertMatrix(JsonNode expected, double[] actual, int cols) {
        for (int d = 0; d < expected.size(); d++) {
            for (int g = 0; g < cols; g++) {
                assertEquals(expected.get(d).get(g).asDouble(), actual[d * cols + g], 0.0, "iou[" + d + "][" + g + "]");
            }
        }
    }
}
