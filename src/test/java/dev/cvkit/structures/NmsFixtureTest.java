package dev.cvkit.structures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link BoxOps#nms} and {@link BoxOps#batchedNms} against torchvision 0.14
 * (tools/fixtures/torchvision_ops.py): the kept indices and their order must be identical —
 * ties, NaN and ±0 scores, degenerate boxes, empty input, both batched_nms paths.
 */
class NmsFixtureTest {
    @TestFactory
    Stream<DynamicTest> keptIndicesEqualTorchvision() throws IOException {
        Path dir = Fixtures.path("ops/nms_ties.safetensors").getParent();
        List<DynamicTest> tests = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                SafeTensors.Contents c = SafeTensors.read(f);
                String op = c.metadata().get("op");
                if (!op.equals("nms") && !op.equals("batched_nms")) continue;
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                    double iou = new ObjectMapper().readTree(c.metadata().get("params")).get("iou").asDouble();
                    float[] boxes = c.tensors().get("boxes").data(), scores = c.tensors().get("scores").data();
                    int[] expected = ints(c.tensors().get("keep").data());
                    int[] kept = op.equals("nms") ? BoxOps.nms(boxes, scores, iou)
                            : BoxOps.batchedNms(boxes, scores, ints(c.tensors().get("idxs").data()), iou);
                    assertArrayEquals(expected, kept);
                }));
            }
        }
        assertEquals(12, tests.size(), "fixture files");
        return tests.stream();
    }

    @Test
    void handWorkedExample() {
        // box 1 overlaps box 0 by 50/150 = 1/3; box 2 is far away; equal scores keep index order
        float[] boxes = {0, 0, 10, 10,  0, 5, 10, 15,  100, 100, 110, 110};
        float[] scores = {0.8f, 0.9f, 0.8f};
        assertArrayEquals(new int[] {1, 0, 2}, BoxOps.nms(boxes, scores, 0.34), "1/3 <= 0.34: all kept");
        assertArrayEquals(new int[] {1, 2}, BoxOps.nms(boxes, scores, 0.33), "1/3 > 0.33: box 0 suppressed");
        // same boxes in two categories never suppress each other
        assertArrayEquals(new int[] {1, 0, 2}, BoxOps.batchedNms(boxes, scores, new int[] {0, 1, 0}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> BoxOps.nms(new float[7], new float[2], 0.5));
    }

    static int[] ints(float[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (int) v[i];
        return r;
    }
}
