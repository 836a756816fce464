package dev.cvkit.proposals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProposalQualityTest {
    @TempDir
    Path dir;

    @Test
    void recallAndMaboByHand() throws IOException {
        Path gtFile = dir.resolve("gt.json");
        Files.writeString(gtFile, """
                {"images": [{"id": 7, "file_name": "a.jpg"}, {"id": 8, "file_name": "b.jpg"}],
                 "annotations": [
                   {"id": 1, "image_id": 7, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100},
                   {"id": 2, "image_id": 7, "category_id": 2, "bbox": [20, 0, 10, 10], "area": 100},
                   {"id": 3, "image_id": 8, "category_id": 2, "bbox": [0, 0, 4, 4], "area": 16},
                   {"id": 4, "image_id": 7, "category_id": 1, "bbox": [50, 50, 9, 9], "area": 81, "iscrowd": 1}],
                 "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}
                """);
        GroundTruth gt = GroundTruth.load(gtFile);
        // image 7: first the exact box of annotation 1, then a box half over annotation 2 (IoU 5x10 / 150 = 1/3)
        Map<Long, double[][]> props = Map.of(7L, new double[][] {{0, 0, 10, 10}, {25, 0, 10, 10}});
        List<ProposalQuality.Row> rows = ProposalQuality.evaluate(gt, props, new int[] {1, 2});
        // N=1: best overlaps 1, 0, 0 (image 8 has no proposals) → recall 1/3; class 1 ABO 1, class 2 ABO 0
        assertEquals(1.0 / 3, rows.get(0).recall50(), 1e-15);
        assertEquals(0.5, rows.get(0).mabo(), 1e-15);
        // N=2: annotation 2 reaches 1/3 → class 2 ABO (1/3 + 0) / 2
        assertEquals(1.0 / 3, rows.get(1).recall50(), 1e-15);
        assertEquals((1.0 + (1.0 / 3) / 2) / 2, rows.get(1).mabo(), 1e-15);
        assertEquals(1.0, rows.get(1).meanProposals(), 1e-15); // (2 + 0) / 2 annotated images
    }
}
