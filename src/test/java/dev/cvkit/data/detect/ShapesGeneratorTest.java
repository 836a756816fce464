package dev.cvkit.data.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import dev.cvkit.coco.Rle;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated shapes set: exact boxes and masks, the same bytes for any thread count. */
class ShapesGeneratorTest {
    static final List<Path> PHOTOS = List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg"));

    @Test
    void boxesAndAreasAreExactlyThoseOfTheMasks() {
        List<RgbImage> photos = PHOTOS.stream().map(p -> {
            try (Mat m = ImageDecoder.read(p, 100_000_000L)) {
                return RgbImage.fromMat(m);
            }
        }).toList();
        int instances = 0, occluded = 0;
        for (int i = 0; i < 40; i++) {
            ShapesGenerator.Generated g = ShapesGenerator.image(new SplittableRandom(i), photos, 96);
            assertTrue(g.instances().size() >= 1 && g.instances().size() <= 6, "1–6 shapes: " + g.instances().size());
            for (var in : g.instances()) {
                byte[] rowMajor = new byte[96 * 96];
                if (in.polygon() != null) {
                    int[] m = new int[96 * 96];
                    PolygonRaster.fill(in.polygon(), 96, 96, m, 1);
                    for (int q = 0; q < m.length; q++) rowMajor[q] = (byte) m[q];
                } else {
                    occluded++;
                    byte[] cm = in.rle().decode();
                    for (int x = 0; x < 96; x++) for (int y = 0; y < 96; y++) rowMajor[y * 96 + x] = cm[x * 96 + y];
                }
                int minX = 96, minY = 96, maxX = -1, maxY = -1, area = 0;
                for (int q = 0; q < rowMajor.length; q++) {
                    if (rowMajor[q] == 0) continue;
                    area++;
                    minX = Math.min(minX, q % 96);
                    maxX = Math.max(maxX, q % 96);
                    minY = Math.min(minY, q / 96);
                    maxY = Math.max(maxY, q / 96);
                }
                assertEquals(in.area(), area, "area = mask pixels");
                assertArrayEquals(new int[] {minX, minY, maxX - minX + 1, maxY - minY + 1}, in.box(), "box = mask extent");
                instances++;
            }
        }
        assertTrue(instances > 80, "instances: " + instances);
        assertTrue(occluded > 0, "some shapes are occluded or cut by the border (RLE masks)");
    }

    @Test
    void sameBytesForAnyThreadCountAndNoOverwrite(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        ShapesGenerator.Summary sa = ShapesGenerator.generate(a, new ShapesGenerator.Options(6, 3, 64, 7, PHOTOS, 1, 100_000_000L));
        ShapesGenerator.generate(b, new ShapesGenerator.Options(6, 3, 64, 7, PHOTOS, 2, 100_000_000L));
        for (String f : List.of("train.json", "val.json", "train/000005.jpg", "val/000002.jpg")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertEquals(6, sa.trainImages());
        CocoDetectionReader.Read r = CocoDetectionReader.read(a.resolve("train.json"), null);
        assertEquals(a.resolve("train").toAbsolutePath(), r.images(), "images default to the folder named like the JSON");
        assertEquals(List.of("circle", "square", "triangle", "star", "hexagon"), r.set().classes());
        assertEquals(sa.trainInstances(), r.set().instances());
        assertTrue(!r.cleaning().any(), "generated boxes need no cleaning");
        UserError e = assertThrows(UserError.class,
                () -> ShapesGenerator.generate(a, new ShapesGenerator.Options(1, 1, 64, 7, PHOTOS, 1, 100_000_000L)));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
    }

    @Test
    void rleOfTheVisibleMaskRoundTrips() {
        byte[] cm = new byte[12];
        cm[3] = cm[4] = cm[9] = 1;
        assertArrayEquals(cm, Rle.encode(cm, 3, 4).decode());
    }
}
