package dev.cvkit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.data.IdxDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/data");

    /** Against cv2 + numpy (tools/fixtures/preprocess.py): resize rules, crop, gray, RGB order, normalisation. */
    @Test
    void matchesOpenCvPythonReference() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(DIR.resolve("preprocess/preprocess.json").toFile());
        Pixels photo = Pixels.read(DIR.resolve("preprocess/photo.png"), 1_000_000);
        for (JsonNode c : cases) {
            int ch = c.get("channels").asInt();
            float[] mean = new float[ch];
            float[] std = new float[ch];
            for (int i = 0; i < ch; i++) {
                mean[i] = (float) c.get("mean").get(i).asDouble();
                std[i] = (float) c.get("std").get(i).asDouble();
            }
            Preprocessing p = new Preprocessing(ch, c.get("resize").asInt(), c.get("height").asInt(), c.get("width").asInt(), mean, std);
            float[] out = new float[p.sampleSize() + 3];
            new Preprocessor(p, Augmentation.NONE).apply(photo, 0, out, 3);
            JsonNode expected = c.get("expected");
            assertEquals(expected.size(), p.sampleSize(), c.get("name").asText());
            int plane = p.height() * p.width();
            for (int i = 0; i < expected.size(); i++) {
                // equal pixels, or one 8-bit level apart where OpenCV versions round differently
                double tol = 1.01 / 255 / std[i / plane] + 1e-5;
                assertEquals(expected.get(i).asDouble(), out[3 + i], tol, c.get("name").asText() + " value " + i);
            }
        }
    }

    @Test
    void shiftsAreWholePixelMovesWithinTwoPixels() throws IOException {
        Pixels digit = IdxDataset.open(DIR.resolve("mnist"), "test").image(0);
        Preprocessing p = new Preprocessing(1, 0, 28, 28, new float[] {0}, new float[] {1});
        Preprocessor pre = new Preprocessor(p, Augmentation.parse("shift=2"));
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            float[] out = new float[784];
            pre.apply(digit, seed, out, 0);
            String shift = findShift(digit, out, false);
            assertTrue(shift != null, "seed " + seed + " is not a whole-pixel shift of at most 2");
            seen.add(shift);
            float[] again = new float[784];
            pre.apply(digit, seed, again, 0);
            assertArrayEquals(out, again);
        }
        assertEquals(25, seen.size(), "all 5×5 shifts occur: " + seen);
    }

    @Test
    void plainCopiesEqualTheOpenCvWarp() throws IOException {
        IdxDataset d = IdxDataset.open(DIR.resolve("mnist"), "test");
        Preprocessing[] preps = {
            new Preprocessing(1, 28, 32, 32, new float[] {0.1f}, new float[] {0.3f}), // MNIST padded for LeNet-5
            new Preprocessing(1, 0, 28, 28, new float[] {0.1f}, new float[] {0.3f}),
            new Preprocessing(1, 28, 24, 26, new float[] {0.1f}, new float[] {0.3f}), // a centre crop
        };
        for (Preprocessing p : preps) {
            for (String aug : new String[] {"none", "flip,shift=2", "shift=3"}) {
                Preprocessor fast = new Preprocessor(p, Augmentation.parse(aug));
                Preprocessor warp = new Preprocessor(p, Augmentation.parse(aug));
                warp.copyPath = false;
                for (int seed = 0; seed < 30; seed++) {
                    float[] a = new float[p.sampleSize()];
                    float[] b = new float[p.sampleSize()];
                    fast.apply(d.image(seed), seed, a, 0);
                    warp.apply(d.image(seed), seed, b, 0);
                    assertArrayEquals(b, a, p + " " + aug + " seed " + seed);
                }
            }
        }
    }

    @Test
    void flipMirrorsHalfTheTime() throws IOException {
        Pixels digit = IdxDataset.open(DIR.resolve("mnist"), "test").image(1);
        Preprocessing p = new Preprocessing(1, 0, 28, 28, new float[] {0}, new float[] {1});
        Preprocessor pre = new Preprocessor(p, Augmentation.parse("flip"));
        int flipped = 0;
        for (long seed = 0; seed < 100; seed++) {
            float[] out = new float[784];
            pre.apply(digit, seed, out, 0);
            if ("0,0".equals(findShift(digit, out, true))) {
                flipped++;
            } else {
                assertEquals("0,0", findShift(digit, out, false));
            }
        }
        assertTrue(flipped > 30 && flipped < 70, "flipped " + flipped + " of 100");
    }

    @Test
    void jitterKeepsRangeAndOrder() throws IOException {
        Pixels digit = IdxDataset.open(DIR.resolve("mnist"), "test").image(2);
        Preprocessing p = new Preprocessing(1, 0, 28, 28, new float[] {0}, new float[] {1});
        float[] out = new float[784];
        new Preprocessor(p, Augmentation.parse("jitter=0.4")).apply(digit, 7, out, 0);
        boolean changed = false;
        for (int i = 0; i < 784; i++) {
            assertTrue(out[i] >= 0 && out[i] <= 1);
            changed |= Math.abs(out[i] - digit.data()[i] / 255f) > 1e-3 && (digit.data()[i] & 0xFF) > 0;
            for (int j = 0; j < 784; j += 37) { // brightness and contrast are monotone per pixel
                int a = digit.data()[i] & 0xFF;
                int b = digit.data()[j] & 0xFF;
                if (a < b) {
                    assertTrue(out[i] <= out[j]);
                }
            }
        }
        assertTrue(changed);
    }

    @Test
    void scaleZoomsAboutTheCentre() {
        // a white 8×8 square in the middle of a 32×32 black image grows or shrinks but stays centred
        byte[] img = new byte[32 * 32];
        for (int y = 12; y < 20; y++) {
            for (int x = 12; x < 20; x++) {
                img[y * 32 + x] = (byte) 255;
            }
        }
        Pixels sq = new Pixels(32, 32, 1, img);
        Preprocessing p = new Preprocessing(1, 0, 32, 32, new float[] {0}, new float[] {1});
        Preprocessor pre = new Preprocessor(p, Augmentation.parse("scale=0.3"));
        Set<Integer> areas = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            float[] out = new float[1024];
            pre.apply(sq, seed, out, 0);
            double sum = 0;
            double cx = 0;
            for (int i = 0; i < 1024; i++) {
                sum += out[i];
                cx += out[i] * (i % 32);
            }
            assertEquals(15.5, cx / sum, 0.05); // OpenCV warps with 1/32-pixel fixed-point coordinates
            double side = Math.sqrt(sum);
            assertTrue(side > 8 * 0.7 - 0.6 && side < 8 * 1.3 + 0.6, "side " + side);
            areas.add((int) Math.round(sum));
        }
        assertTrue(areas.size() > 5);
    }

    @Test
    void augmentSyntax() {
        Augmentation a = Augmentation.parse("flip, shift=3 ,jitter=0.25,scale=0.1");
        assertTrue(a.flip());
        assertEquals(3, a.shift());
        assertEquals(a, Augmentation.parse(a.spec()));
        assertTrue(Augmentation.parse("none").isNone());
        assertEquals(2, Augmentation.parse("shift").shift());
        assertThrows(UserError.class, () -> Augmentation.parse("rotate"));
        assertThrows(UserError.class, () -> Augmentation.parse("shift=x"));
        assertThrows(UserError.class, () -> Augmentation.parse("jitter=1.5"));
        assertFalse(Augmentation.parse("flip=false").flip());
    }

    /** "dx,dy" when out is src (mirrored if asked) moved by that many pixels with zero fill, |d| ≤ 2. */
    private static String findShift(Pixels src, float[] out, boolean mirror) {
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                boolean ok = true;
                for (int y = 0; y < 28 && ok; y++) {
                    for (int x = 0; x < 28 && ok; x++) {
                        int sx = x - dx;
                        int sy = y - dy;
                        if (mirror) {
                            sx = 27 - sx;
                        }
                        float v = sx < 0 || sy < 0 || sx >= 28 || sy >= 28 ? 0 : src.at(sy, sx, 0) / 255f;
                        ok = v == out[y * 28 + x];
                    }
                }
                if (ok) {
                    return dx + "," + dy;
                }
            }
        }
        return null;
    }
}
