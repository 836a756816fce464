package dev.cvkit.data.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.coco.Polygons;
import dev.cvkit.coco.Rle;
import dev.cvkit.data.detect.ShapesGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Label maps from COCO instances: on a generated shapes set every pixel equals what the
 * pycocotools-equal rasterisation of each annotation (read here straight from the JSON) says;
 * and on a hand-made file, overlaps and crowd regions become 255.
 */
class SemanticSetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void labelMapsEqualTheRasterisedInstances() throws IOException {
        ShapesGenerator.generate(tmp, new ShapesGenerator.Options(6, 2, 64, 5,
                List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        Path json = tmp.resolve("train.json");
        SemanticSet set = SemanticSet.read(json, null);
        JsonNode root = JSON.readTree(json.toFile());
        Map<Long, Integer> classOf = new HashMap<>();
        List<Long> ids = new ArrayList<>();
        root.get("categories").forEach(c -> ids.add(c.get("id").asLong()));
        ids.sort(null);
        for (int k = 0; k < ids.size(); k++) classOf.put(ids.get(k), k + 1);
        assertEquals(ids.size(), set.classes().size());
        int labelled = 0;
        for (int i = 0; i < set.size(); i++) {
            SemanticSet.Item it = set.items().get(i);
            int h = it.height(), w = it.width();
            int[] expect = new int[h * w], cover = new int[h * w];
            for (JsonNode a : root.get("annotations")) {
                if (a.get("image_id").asLong() != it.imageId()) continue;
                JsonNode s = a.get("segmentation");
                Rle r;
                if (s.isArray()) {
                    List<double[]> parts = new ArrayList<>();
                    for (JsonNode p : s) {
                        double[] xy = new double[p.size()];
                        for (int k = 0; k < xy.length; k++) xy[k] = p.get(k).asDouble();
                        parts.add(xy);
                    }
                    r = Polygons.fromPolygons(parts, h, w);
                } else {
                    r = Rle.fromCompressedString(s.get("counts").asText(), s.get("size").get(0).asInt(), s.get("size").get(1).asInt());
                }
                byte[] m = r.decode();
                for (int x = 0; x < w; x++) {
                    for (int y = 0; y < h; y++) {
                        if (m[x * h + y] != 0) {
                            expect[y * w + x] = classOf.get(a.get("category_id").asLong());
                            cover[y * w + x]++;
                        }
                    }
                }
            }
            byte[] got = set.labels(i);
            for (int p = 0; p < got.length; p++) {
                int e = cover[p] > 1 ? 255 : expect[p];
                assertEquals(e, got[p] & 0xff, "image " + it.file() + " pixel " + p);
                if (e > 0 && e < 255) labelled++;
            }
        }
        assertTrue(labelled > 500, "the shapes cover pixels: " + labelled);
    }

    @Test
    void overlapsAndCrowdAreIgnored() throws IOException {
        // a 4×3 image (h 3, w 4); RLE runs go down the columns, as in pycocotools
        // cat 7 (class 1): columns 0–1 fully → counts [0, 6]; cat 9 (class 2): column 1 → [3, 3, 6];
        // crowd of cat 7: column 3, rows 1–2 → [10, 2]
        String doc = """
                {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 3}],
                 "categories": [{"id": 9, "name": "b"}, {"id": 7, "name": "a"}],
                 "annotations": [
                  {"id": 1, "image_id": 1, "category_id": 7, "bbox": [0, 0, 2, 3], "area": 6, "iscrowd": 0,
                   "segmentation": {"size": [3, 4], "counts": [0, 6, 6]}},
                  {"id": 2, "image_id": 1, "category_id": 9, "bbox": [1, 0, 1, 3], "area": 3, "iscrowd": 0,
                   "segmentation": {"size": [3, 4], "counts": [3, 3, 6]}},
                  {"id": 3, "image_id": 1, "category_id": 7, "bbox": [3, 1, 1, 2], "area": 2, "iscrowd": 1,
                   "segmentation": {"size": [3, 4], "counts": [10, 2]}}]}""";
        Files.writeString(tmp.resolve("gt.json"), doc);
        SemanticSet set = SemanticSet.read(tmp.resolve("gt.json"), tmp);
        assertEquals(List.of("a", "b"), set.classes());
        byte[] got = set.labels(0);
        int[] want = {
            1, 255, 0, 0,
            1, 255, 0, 255,
            1, 255, 0, 255};
        int[] g = new int[got.length];
        for (int p = 0; p < g.length; p++) g[p] = got[p] & 0xff;
        assertArrayEquals(want, g);
    }

    @Test
    void aMaskOfAnotherSizeNamesTheAnnotation() throws IOException {
        Files.writeString(tmp.resolve("bad.json"), """
                {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 3}],
                 "categories": [{"id": 1, "name": "a"}],
                 "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "iscrowd": 1,
                   "segmentation": {"size": [2, 2], "counts": [0, 4]}}]}""");
        UserError e = assertThrows(UserError.class, () -> SemanticSet.read(tmp.resolve("bad.json"), tmp).labels(0));
        assertTrue(e.getMessage().contains("annotation id 5"), e.getMessage());
    }
}
