package dev.cvkit.data.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.data.detect.ShapesGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YOLO segmentation labels ({@code class x1 y1 …}, normalised) written from a generated COCO
 * set's polygons read back as the COCO set itself: the same label maps and instance masks, pixel
 * for pixel, for every image whose instances are all polygons; a box line is an instance whose
 * mask is its box; a bad line names its file and line.
 */
public class YoloSegmentReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    /**
     * Writes {@code images/SPLIT} and {@code labels/SPLIT} for the images of a COCO split whose
     * annotations are all polygons (64² images: dividing by 64 and multiplying back is exact);
     * returns their file names. (Also used by the training tests.)
     */
    public static List<String> yoloSplit(Path cocoJson, Path imageDir, Path root, String split) throws IOException {
        JsonNode coco = JSON.readTree(cocoJson.toFile());
        List<String> kept = new ArrayList<>();
        for (JsonNode im : coco.get("images")) {
            long id = im.get("id").asLong();
            int w = im.get("width").asInt(), h = im.get("height").asInt();
            StringBuilder lines = new StringBuilder();
            boolean allPolygons = true;
            for (JsonNode a : coco.get("annotations")) {
                if (a.get("image_id").asLong() != id) continue;
                JsonNode seg = a.get("segmentation");
                if (!seg.isArray()) {
                    allPolygons = false;
                    break;
                }
                for (JsonNode poly : seg) {
                    lines.append(a.get("category_id").asInt() - 1);
                    for (int k = 0; k < poly.size(); k++) lines.append(' ').append(poly.get(k).asDouble() / (k % 2 == 0 ? w : h));
                    lines.append('\n');
                }
            }
            if (!allPolygons) continue;
            String file = im.get("file_name").asText();
            Path img = root.resolve("images").resolve(split).resolve(file);
            Files.createDirectories(img.getParent());
            Files.copy(imageDir.resolve(file), img);
            String stem = file.substring(0, file.lastIndexOf('.'));
            Path lbl = root.resolve("labels").resolve(split).resolve(stem + ".txt");
            Files.createDirectories(lbl.getParent());
            Files.writeString(lbl, lines.toString());
            kept.add(file);
        }
        return kept;
    }

    public static Path yaml(Path root, Path cocoJson) throws IOException {
        StringBuilder names = new StringBuilder();
        for (JsonNode c : JSON.readTree(cocoJson.toFile()).get("categories")) names.append(names.length() == 0 ? "" : ", ").append(c.get("name").asText());
        Path yaml = root.resolve("data.yaml");
        Files.writeString(yaml, "path: .\ntrain: images/train\nval: images/val\nnames: [" + names + "]\n");
        return yaml;
    }

    @Test
    void polygonLabelsReadAsTheCocoPolygonsTheyCameFrom() throws IOException {
        Path shapes = tmp.resolve("shapes");
        ShapesGenerator.generate(shapes, new ShapesGenerator.Options(12, 2, 64, 11, List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        Path root = tmp.resolve("yolo");
        List<String> kept = yoloSplit(shapes.resolve("train.json"), shapes.resolve("train"), root, "train");
        Path yaml = yaml(root, shapes.resolve("train.json"));
        assertTrue(kept.size() >= 3, "images with polygons only: " + kept);

        YoloSegmentReader.Split split = YoloSegmentReader.read(yaml, "train");
        assertEquals(root.resolve("images/train").toAbsolutePath().normalize(), split.images());
        Path converted = tmp.resolve("train_gt.json");
        Files.write(converted, JSON.writeValueAsBytes(split.coco()));
        SemanticSet fromYolo = SemanticSet.read(converted, split.images()), fromCoco = SemanticSet.read(shapes.resolve("train.json"), null);
        assertEquals(fromCoco.classes(), fromYolo.classes());
        InstanceSet instYolo = InstanceSet.read(converted, split.images()), instCoco = InstanceSet.read(shapes.resolve("train.json"), null);
        assertEquals(kept.size(), fromYolo.size());
        int pixels = 0;
        for (int i = 0; i < fromYolo.size(); i++) {
            String file = fromYolo.items().get(i).file();
            int j = 0;
            while (!fromCoco.items().get(j).file().equals(file)) j++;
            assertEquals(List.of(fromCoco.items().get(j).width(), fromCoco.items().get(j).height()),
                    List.of(fromYolo.items().get(i).width(), fromYolo.items().get(i).height()), "size from the image header");
            byte[] want = fromCoco.labels(j), got = fromYolo.labels(i);
            assertArrayEquals(want, got, file);
            for (byte b : got) if (b != 0) pixels++;
            assertArrayEquals(instCoco.items().get(j).labels(), instYolo.items().get(i).labels(), file);
            assertArrayEquals(instCoco.masks(j), instYolo.masks(i), file);
        }
        assertTrue(pixels > 1000, "the maps hold shapes: " + pixels + " labelled pixels");
        JsonNode a = split.coco().get("annotations").get(0);
        assertEquals(dev.cvkit.coco.Polygons.fromPolygon(doubles(a.get("segmentation").get(0)), 64, 64).area(), a.get("area").asLong());
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
        return d;
    }

    @Test
    void boxLinesAreBoxMasksAndBadLinesAreNamed() throws IOException {
        Path root = tmp.resolve("yolo");
        Path img = root.resolve("images/train/a.jpg");
        Files.createDirectories(img.getParent());
        Files.copy(Path.of("samples/dog.jpg"), img);
        Path lbl = root.resolve("labels/train/a.txt");
        Files.createDirectories(lbl.getParent());
        Files.writeString(lbl, "1 0.5 0.5 0.2 0.4\n0 0.1 0.1 0.3 0.1 0.2 0.3\n");
        Path yaml = root.resolve("data.yaml");
        Files.writeString(yaml, "path: .\ntrain: images/train\nnames: [cat, dog]\n");
        YoloSegmentReader.Split split = YoloSegmentReader.read(yaml, "train");
        JsonNode anns = split.coco().get("annotations");
        assertEquals(2, anns.size());
        int w = split.coco().get("images").get(0).get("width").asInt(), h = split.coco().get("images").get(0).get("height").asInt();
        assertEquals(2, anns.get(0).get("category_id").asInt());
        assertEquals(0.4 * w, anns.get(0).get("bbox").get(0).asDouble(), 1e-9);
        assertEquals(0.4 * h, anns.get(0).get("bbox").get(3).asDouble(), 1e-9);
        JsonNode corners = anns.get(0).get("segmentation").get(0);
        assertEquals(List.of(0.4 * w, 0.3 * h, 0.6 * w, 0.3 * h, 0.6 * w, 0.7 * h, 0.4 * w, 0.7 * h),
                List.of(corners.get(0).asDouble(), corners.get(1).asDouble(), corners.get(2).asDouble(), corners.get(3).asDouble(),
                        corners.get(4).asDouble(), corners.get(5).asDouble(), corners.get(6).asDouble(), corners.get(7).asDouble()));
        // the label map marks the box with class 2 (dog) and the polygon with class 1
        Path converted = tmp.resolve("gt.json");
        Files.write(converted, JSON.writeValueAsBytes(split.coco()));
        SemanticSet set = SemanticSet.read(converted, split.images());
        assertEquals(0, set.withoutMask());
        byte[] map = set.labels(0);
        assertEquals(2, map[(h / 2) * w + w / 2]);
        assertEquals(0, map[(h / 10) * w + w - 2]);
        assertEquals(1, anns.get(1).get("category_id").asInt());
        assertEquals(0.3 * w, anns.get(1).get("segmentation").get(0).get(2).asDouble(), 1e-9);
        assertEquals(String.format(Locale.ROOT, "%.6f", 0.2 * h), String.format(Locale.ROOT, "%.6f", anns.get(1).get("bbox").get(3).asDouble()));

        Files.writeString(lbl, "0 0.1 0.1 0.3 0.1\n1 0.1 0.1 0.3 0.1 0.2 0.3 0.4\n");
        UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> YoloSegmentReader.read(yaml, "train"));
        assertEquals(lbl.toAbsolutePath() + ": line 2: expected 'class cx cy w h' or 'class x1 y1 x2 y2 …', got 8 numbers", e.getMessage());
    }
}
