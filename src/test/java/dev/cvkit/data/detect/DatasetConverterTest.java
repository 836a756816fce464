package dev.cvkit.data.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COCO ⇄ YOLO conversion is lossless; YOLO folders are read as Ultralytics lays them out, with errors naming file and line. */
class DatasetConverterTest {
    @Test
    void cocoToYoloToCocoKeepsBoxesAndNames(@TempDir Path tmp) throws IOException {
        Path shapes = tmp.resolve("shapes");
        ShapesGenerator.generate(shapes, new ShapesGenerator.Options(5, 3, 96, 11, ShapesGeneratorTest.PHOTOS, 2, 1L << 30));
        Path yolo = tmp.resolve("yolo");
        DatasetConverter.cocoToYolo(shapes.resolve("train.json"), null, yolo, "train");
        DatasetConverter.cocoToYolo(shapes.resolve("val.json"), null, yolo, "val");
        assertTrue(Files.isRegularFile(yolo.resolve("labels/train/000004.txt")));
        assertTrue(Files.isRegularFile(yolo.resolve("images/val/000002.jpg")));
        YoloDetectionReader.Layout l = YoloDetectionReader.layout(yolo.resolve("data.yaml"));
        assertEquals(List.of("circle", "square", "triangle", "star", "hexagon"), l.names());
        assertEquals(java.util.Set.of("train", "val"), l.splits().keySet());
        for (String split : List.of("train", "val")) {
            Path back = tmp.resolve(split + "-back.json");
            DatasetConverter.yoloToCoco(yolo.resolve("data.yaml"), split, back);
            DetectionSet a = CocoDetectionReader.read(shapes.resolve(split + ".json"), null).set();
            DetectionSet b = CocoDetectionReader.read(back, yolo.resolve("images").resolve(split)).set();
            assertEquals(a.classes(), b.classes());
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                var x = a.items().get(i);
                var y = b.items().get(i);
                assertEquals(x.file(), y.file());
                assertArrayEquals(x.labels(), y.labels());
                assertArrayEquals(x.boxes(), y.boxes(), 1e-3f, x.file());
            }
        }
        UserError again = assertThrows(UserError.class, () -> DatasetConverter.cocoToYolo(shapes.resolve("val.json"), null, yolo, "val"));
        assertEquals(2, again.exitCode());
    }

    @Test
    void readsUltralyticsLayoutsAndNamesBadLines(@TempDir Path tmp) throws IOException {
        Path img = tmp.resolve("ds/images/train/a.jpg"), lbl = tmp.resolve("ds/labels/train/a.txt");
        Files.createDirectories(img.getParent());
        Files.createDirectories(lbl.getParent());
        Files.copy(Path.of("samples/dog.jpg"), img); // 768×576
        Files.copy(Path.of("samples/dog.jpg"), tmp.resolve("ds/images/train/b.jpg")); // no label file: no objects
        Files.writeString(tmp.resolve("ds/data.yaml"), "path: .\ntrain: images/train\nnames:\n  0: dog\n  1: bike\n");
        Files.writeString(lbl, "1 0.5 0.5 0.25 0.5\n\n0 0.1 0.1 0.2 0.1 0.2 0.3\n");
        CocoDetectionReader.Read r = YoloDetectionReader.read(tmp.resolve("ds/data.yaml"), "train");
        DetectionSet s = r.set();
        assertEquals(List.of("dog", "bike"), s.classes());
        assertEquals(2, s.size());
        assertEquals("a.jpg", s.items().get(0).file());
        assertArrayEquals(new float[] {288, 144, 480, 432, 76.8f, 57.6f, 153.6f, 172.8f}, s.items().get(0).boxes(), 1e-3f);
        assertArrayEquals(new int[] {2, 1}, s.items().get(0).labels());
        assertEquals(0, s.items().get(1).count());

        Files.writeString(lbl, "0 0.5 0.5 0.25 0.5\n7 0.5 0.5 0.1 0.1\n");
        UserError e = assertThrows(UserError.class, () -> YoloDetectionReader.read(tmp.resolve("ds/data.yaml"), "train"));
        assertTrue(e.getMessage().contains("a.txt: line 2: class 7"), e.getMessage());
        Files.writeString(lbl, "0 0.5 0.5 0.25\n");
        e = assertThrows(UserError.class, () -> YoloDetectionReader.read(tmp.resolve("ds/data.yaml"), "train"));
        assertTrue(e.getMessage().contains("line 1: expected"), e.getMessage());
        Files.writeString(tmp.resolve("ds/data.yaml"), "train: [oops\n");
        e = assertThrows(UserError.class, () -> YoloDetectionReader.read(tmp.resolve("ds/data.yaml"), "train"));
        assertEquals(1, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void statsCountInstancesPerClassAndSize(@TempDir Path tmp) throws IOException {
        ShapesGenerator.generate(tmp, new ShapesGenerator.Options(6, 1, 96, 2, ShapesGeneratorTest.PHOTOS, 1, 1L << 30));
        DetectionSet s = CocoDetectionReader.read(tmp.resolve("train.json"), null).set();
        DatasetStats st = DatasetStats.of(s);
        assertEquals(s.instances(), java.util.Arrays.stream(st.instances()).sum());
        long inBins = 0;
        for (long[] row : st.sizes()) for (long n : row) inBins += n;
        assertEquals(s.instances(), inBins);
        assertTrue(st.table().startsWith("6 images (0 without objects), " + s.instances() + " instances"), st.table());
        assertTrue(st.plot().length > 1000);
    }
}
