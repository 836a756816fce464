package dev.cvkit.data;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLoaderTest {
    static final Preprocessing MNIST = new Preprocessing(1, 0, 28, 28, new float[] {0.1307f}, new float[] {0.3081f});

    @TempDir
    Path tmp;

    static IdxDataset train() {
        return IdxDataset.open(IdxDatasetTest.FIXTURES.resolve("mnist"), "train");
    }

    static List<Batch> epoch(DataLoader loader, int e) {
        List<Batch> out = new ArrayList<>();
        Iterator<Batch> it = loader.epoch(e);
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void sameBatchesWhateverTheThreadCount() {
        IdxDataset data = train();
        Augmentation aug = Augmentation.parse("flip,shift=2,jitter=0.2,scale=0.1");
        List<List<Batch>> runs = new ArrayList<>();
        for (int threads : new int[] {1, 3}) {
            try (DataLoader l = new DataLoader(data, MNIST, new DataLoader.Config(32, true, false, aug, 42, threads, 2))) {
                List<Batch> both = epoch(l, 0);
                both.addAll(epoch(l, 1));
                runs.add(both);
            }
        }
        assertEquals(runs.get(0).size(), runs.get(1).size());
        for (int b = 0; b < runs.get(0).size(); b++) {
            assertArrayEquals(runs.get(0).get(b).images(), runs.get(1).get(b).images(), "batch " + b);
            assertArrayEquals(runs.get(0).get(b).labels(), runs.get(1).get(b).labels());
        }
    }

    @Test
    void everySampleOncePerEpochInANewOrder() {
        IdxDataset data = train();
        try (DataLoader l = new DataLoader(data, MNIST, new DataLoader.Config(64, true, false, Augmentation.NONE, 5, 2, 3))) {
            assertEquals(4, l.batches()); // 200 = 64 + 64 + 64 + 8
            List<Batch> e0 = epoch(l, 0);
            List<Batch> e1 = epoch(l, 1);
            assertEquals(8, e0.get(3).size());
            int[] order0 = e0.stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
            int[] order1 = e1.stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
            assertFalse(Arrays.equals(order0, order1));
            int[] sorted = order0.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 200; i++) {
                assertEquals(i, sorted[i]);
            }
            // contents: the label and (v/255 - mean)/std of the sample the batch names
            Batch b = e0.get(1);
            for (int k = 0; k < b.size(); k += 9) {
                int i = b.indices()[k];
                assertEquals(data.label(i), b.labels()[k]);
                for (int p = 0; p < 784; p += 13) {
                    float want = ((data.image(i).data()[p] & 0xFF) / 255f - 0.1307f) / 0.3081f;
                    assertEquals(want, b.images()[k * 784 + p], 1e-6f);
                }
            }
        }
        try (DataLoader l = new DataLoader(data, MNIST, new DataLoader.Config(64, true, true, Augmentation.NONE, 5, 1, 1))) {
            assertEquals(3, l.batches());
            assertEquals(3, epoch(l, 0).size());
        }
        try (DataLoader l = new DataLoader(data, MNIST, DataLoader.Config.ordered(50, 2))) {
            int[] order = epoch(l, 0).stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
            for (int i = 0; i < 200; i++) {
                assertEquals(i, order[i]);
            }
        }
    }

    @Test
    void validationSplitIsSeededAndDisjoint() {
        IdxDataset data = train();
        Subset[] a = Subset.split(data, 0.1, 3);
        Subset[] b = Subset.split(data, 0.1, 3);
        Subset[] c = Subset.split(data, 0.1, 4);
        assertEquals(180, a[0].size());
        assertEquals(20, a[1].size());
        boolean[] seen = new boolean[200];
        boolean differs = false;
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < a[k].size(); i++) {
                assertFalse(seen[a[k].baseIndex(i)]);
                seen[a[k].baseIndex(i)] = true;
                assertEquals(a[k].baseIndex(i), b[k].baseIndex(i));
                assertEquals(data.label(a[k].baseIndex(i)), a[k].label(i));
            }
        }
        for (int i = 0; i < 20; i++) {
            differs |= a[1].baseIndex(i) != c[1].baseIndex(i);
        }
        assertTrue(differs);
    }

    @Test
    void aBadImageStopsTheEpochWithItsPath() throws IOException {
        IdxDataset digits = IdxDataset.open(IdxDatasetTest.FIXTURES.resolve("mnist"), "test");
        for (int i = 0; i < 10; i++) {
            Path p = tmp.resolve("d").resolve(Integer.toString(i % 2)).resolve("x" + i + ".png");
            Files.createDirectories(p.getParent());
            try (Mat m = digits.image(i).toMat()) {
                imwrite(p.toString(), m);
            }
        }
        Files.write(tmp.resolve("d/1/x9.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Dataset d = ImageFolderDataset.open(tmp.resolve("d"), null, 1_000_000);
        try (DataLoader l = new DataLoader(d, MNIST, DataLoader.Config.ordered(4, 2))) {
            UserError e = assertThrows(UserError.class, () -> epoch(l, 0));
            assertTrue(e.getMessage().contains("x9.png: "), e.getMessage());
            assertEquals(1, e.exitCode());
        }
    }
}
