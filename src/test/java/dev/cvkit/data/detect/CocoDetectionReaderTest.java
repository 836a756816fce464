package dev.cvkit.data.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a COCO detection set for training: clipping, dropping, crowds, sizes from headers, errors with lines. */
class CocoDetectionReaderTest {
    @Test
    void cleansBoxesAndCountsWhatItDid(@TempDir Path tmp) throws IOException {
        Files.copy(Path.of("samples/dog.jpg"), tmp.resolve("dog.jpg"));
        Files.writeString(tmp.resolve("gt.json"), """
                {"images": [{"id": 7, "file_name": "dog.jpg"}, {"id": 3, "file_name": "dog.jpg", "width": 100, "height": 50}],
                 "categories": [{"id": 18, "name": "dog"}, {"id": 2, "name": "bicycle"}],
                 "annotations": [
                  {"id": 1, "image_id": 3, "category_id": 18, "bbox": [90, 40, 20, 20], "area": 1, "iscrowd": 0},
                  {"id": 2, "image_id": 3, "category_id": 2, "bbox": [10, 10, 0, 5], "area": 1, "iscrowd": 0},
                  {"id": 3, "image_id": 3, "category_id": 2, "bbox": [1, 2, 3, 4], "area": 1, "iscrowd": 1},
                  {"id": 4, "image_id": 7, "category_id": 2, "bbox": [1.5, 2, 30, 40], "area": 1, "iscrowd": 0}]}
                """);
        CocoDetectionReader.Read r = CocoDetectionReader.read(tmp.resolve("gt.json"), null);
        DetectionSet s = r.set();
        assertEquals(java.util.List.of("bicycle", "dog"), s.classes(), "classes in category id order");
        assertArrayEquals(new long[] {2, 18}, s.categoryIds());
        assertEquals(3, s.items().get(0).imageId(), "images in id order");
        assertArrayEquals(new float[] {90, 40, 100, 50}, s.items().get(0).boxes(), "clipped to 100×50");
        assertArrayEquals(new int[] {2}, s.items().get(0).labels());
        DetectionSet.Item dog = s.items().get(1);
        assertEquals(768, dog.width(), "size from the JPEG header when the JSON has none");
        assertEquals(576, dog.height());
        assertArrayEquals(new float[] {1.5f, 2, 31.5f, 42}, dog.boxes());
        assertEquals(new DetectionSet.Cleaning(1, 1, 1), r.cleaning());
        assertTrue(r.cleaning().describe().contains("1 boxes clipped"), r.cleaning().describe());
    }

    @Test
    void malformedJsonNamesTheLine(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("bad.json"), "{\"images\": [\n{\"id\": 1,, }]}");
        UserError e = assertThrows(UserError.class, () -> CocoDetectionReader.read(tmp.resolve("bad.json"), tmp));
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    }
}
