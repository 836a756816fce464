package dev.cvkit.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ultralytics-style per-class numbers and the detection confusion matrix on a case worked out by
 * hand: category A has three boxes (one more is a crowd region), B one box.
 */
class ClassTableTest {
    @TempDir
    Path tmp;
    CocoDataset gt;
    CocoResults dt;

    @BeforeEach
    void load() throws IOException {
        Path g = Files.writeString(tmp.resolve("gt.json"), """
                {"images": [{"id": 1, "width": 100, "height": 100}, {"id": 2, "width": 100, "height": 100}],
                 "categories": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
                 "annotations": [
                  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100},
                  {"id": 2, "image_id": 1, "category_id": 1, "bbox": [20, 20, 10, 10], "area": 100},
                  {"id": 3, "image_id": 1, "category_id": 2, "bbox": [50, 50, 10, 10], "area": 100},
                  {"id": 4, "image_id": 1, "category_id": 1, "bbox": [70, 70, 10, 10], "area": 100, "iscrowd": 1},
                  {"id": 5, "image_id": 2, "category_id": 1, "bbox": [0, 0, 20, 20], "area": 400}]}
                """);
        Path d = Files.writeString(tmp.resolve("dt.json"), """
                [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9},
                 {"image_id": 1, "category_id": 1, "bbox": [30, 0, 5, 5], "score": 0.95},
                 {"image_id": 2, "category_id": 1, "bbox": [0, 0, 20, 20], "score": 0.8},
                 {"image_id": 1, "category_id": 2, "bbox": [20, 20, 10, 10], "score": 0.7},
                 {"image_id": 1, "category_id": 1, "bbox": [50, 50, 10, 10], "score": 0.1}]
                """);
        gt = CocoDataset.read(g);
        dt = CocoResults.read(d, gt);
    }

    @Test
    void precisionAndRecallAtTheBestF1OfTheIou50Curve() {
        CocoEval eval = new CocoEval(gt, dt, CocoParams.defaults(IouType.BBOX));
        eval.evaluate();
        eval.accumulate();
        List<ClassTable.Row> rows = ClassTable.of(eval);
        ClassTable.Row a = rows.get(0);
        assertEquals("A", a.name());
        assertEquals(2, a.images());
        assertEquals(3, a.instances()); // the crowd region is not an instance
        // A ranked by score: FP 0.95, TP 0.9, TP 0.8, FP 0.1 → interpolated precision 2/3 up to recall 2/3;
        // the last recall threshold below 2/3 is 0.66, where F1 is highest
        assertEquals(2.0 / 3, a.precision(), 1e-12);
        assertEquals(0.66, a.recall(), 1e-12);
        assertEquals(eval.perCategory().get(0).ap50(), a.ap50(), 0);
        ClassTable.Row b = rows.get(1);
        assertEquals(1, b.instances());
        assertEquals(0.0, b.precision());
        assertEquals(0.0, b.recall());
        assertEquals(0.0, b.ap50());
    }

    @Test
    void confusionMatrixPairsAcrossClassesWithABackgroundRowAndColumn() {
        long[][] m = DetectionConfusion.of(gt, dt, DetectionConfusion.CONF, DetectionConfusion.IOU);
        // rows: true A, B, background; columns: predicted A, B, background
        assertArrayEquals(new long[] {2, 1, 0}, m[0]); // two A found as A, one A (20,20) taken for B
        assertArrayEquals(new long[] {0, 0, 1}, m[1]); // B missed (the 0.1 result is below 0.25)
        assertArrayEquals(new long[] {1, 0, 0}, m[2]); // the 0.95 A on nothing
    }
}
