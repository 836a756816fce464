package dev.cvkit.structures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link TorchSort} against torch 1.13's {@code sort(descending=True)} (fixtures from
 * tools/fixtures/torchvision_ops.py): the same permutation, including the order of equal
 * values, NaN and ±0, for sizes around the insertion-sort threshold.
 */
class TorchSortTest {
    @TestFactory
    Stream<DynamicTest> permutationEqualsTorch() throws IOException {
        Path dir = Fixtures.path("ops/nms_ties.safetensors").getParent();
        List<DynamicTest> tests = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                SafeTensors.Contents c = SafeTensors.read(f);
                if (!c.metadata().get("op").equals("sort_desc")) continue;
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> assertArrayEquals(
                        NmsFixtureTest.ints(c.tensors().get("indices").data()),
                        TorchSort.descendingIndices(c.tensors().get("values").data()))));
            }
        }
        assertEquals(6, tests.size(), "fixture files");
        return tests.stream();
    }

    @Test
    void heapsortFallbackSortsDescendingWithNanFirst() {
        // introsort only falls back on adversarial inputs; check the fallback sorts correctly
        Random r = new Random(7);
        for (int n : new int[] {1, 2, 3, 17, 100, 1001}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = i % 11 == 5 ? Float.NaN : r.nextInt(9) - 4;
            int[] order = TorchSort.heapSortedIndices(v);
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                seen[order[i]] = true;
                if (i > 0) {
                    float a = v[order[i - 1]], b = v[order[i]];
                    assertTrue(a != a || (b == b && a >= b), "n=" + n + " position " + i + ": " + a + " then " + b);
                }
            }
            for (boolean s : seen) assertTrue(s, "a permutation");
        }
    }
}
