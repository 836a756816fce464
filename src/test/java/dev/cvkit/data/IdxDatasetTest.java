package dev.cvkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.image.Pixels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IdxDataset against the numpy parse in reference.json (tools/fixtures/data_subsets.py). */
class IdxDatasetTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/data");

    @TempDir
    Path tmp;

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(FIXTURES.resolve("reference.json").toFile());
    }

    @Test
    void readsBothSetsAndSplitsLikeNumpy() throws IOException {
        JsonNode ref = reference();
        for (String ds : List.of("mnist", "fashion-mnist")) {
            for (String split : List.of("train", "test")) {
                JsonNode r = ref.get(ds).get(split.equals("test") ? "t10k" : split);
                IdxDataset d = IdxDataset.open(FIXTURES.resolve(ds), split);
                assertEquals(r.get("count").asInt(), d.size());
                assertEquals(10, d.classes().size());
                for (int i = 0; i < d.size(); i++) {
                    assertEquals(r.get("labels").get(i).asInt(), d.label(i), ds + " " + split + " label " + i);
                    Pixels p = d.image(i);
                    assertEquals(28, p.height());
                    assertEquals(28, p.width());
                    long sum = 0;
                    for (byte b : p.data()) {
                        sum += b & 0xFF;
                    }
                    assertEquals(r.get("pixel_sums").get(i).asLong(), sum, ds + " " + split + " image " + i);
                }
                Pixels first = d.image(0);
                for (int x = 0; x < 28; x++) {
                    assertEquals(r.get("image0_row14").get(x).asInt(), first.at(14, x, 0));
                }
            }
        }
        assertEquals("Ankle boot", IdxDataset.open(FIXTURES.resolve("fashion-mnist"), "train").classes().get(9));
        assertEquals("7", IdxDataset.open(FIXTURES.resolve("mnist"), "train").classes().get(7));
    }

    @Test
    void rawFilesReadLikeGzipped() throws IOException {
        Path raw = copyRaw("mnist");
        IdxDataset a = IdxDataset.open(raw, "test");
        IdxDataset b = IdxDataset.open(FIXTURES.resolve("mnist"), "test");
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i += 7) {
            assertArrayEquals(b.image(i).data(), a.image(i).data());
            assertEquals(b.label(i), a.label(i));
        }
    }

    @Test
    void fashionNamesFromFolderNameWithoutClassesTxt() throws IOException {
        Path dir = tmp.resolve("my-fashion-data");
        Files.createDirectories(dir);
        for (String f : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(FIXTURES.resolve("fashion-mnist").resolve(f), dir.resolve(f));
        }
        assertEquals(IdxDataset.FASHION, IdxDataset.open(dir, "test").classes());
    }

    @Test
    void badHeadersAreClearErrors() throws IOException {
        Path dir = copyRaw("mnist");
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        byte[] good = Files.readAllBytes(images);

        byte[] magic = good.clone();
        magic[2] = 0x0D; // float data
        Files.write(images, magic);
        assertMessage(dir, "value type 0x0d is not supported");

        magic = good.clone();
        magic[0] = 0x1F;
        Files.write(images, magic);
        assertMessage(dir, "not an idx file");

        magic = good.clone();
        magic[3] = 1; // says one dimension: a labels file given as images
        Files.write(images, magic);
        assertMessage(dir, "has 1 dimensions, expected 3");

        Files.write(images, java.util.Arrays.copyOf(good, good.length - 5));
        assertMessage(dir, "(truncated)");

        Files.write(images, java.util.Arrays.copyOf(good, good.length + 3));
        assertMessage(dir, "(trailing bytes)");

        byte[] count = good.clone();
        count[7] = 99; // 99 images, 100 labels: sizes disagree with the length first
        Files.write(images, count);
        assertMessage(dir, "header says 99×28×28");

        Files.write(images, new byte[] {0, 0});
        assertMessage(dir, "file ends inside the 4-byte header");

        byte[] huge = good.clone();
        huge[4] = 0x7F; // 2 billion images
        Files.write(images, huge);
        assertMessage(dir, "more than 2 GB");

        Files.write(images, good);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertMessage(dir, "no t10k-labels-idx1-ubyte[.gz] file for split 'test'");
    }

    @Test
    void countMismatchAndLabelRange() throws IOException {
        Path dir = copyRaw("mnist");
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] good = Files.readAllBytes(labels);
        byte[] shorter = java.util.Arrays.copyOf(good, good.length - 1);
        shorter[7] = 99;
        Files.write(labels, shorter);
        assertMessage(dir, "has 100 images but");

        byte[] bad = good.clone();
        bad[8] = 12; // a label beyond classes.txt's ten
        Files.write(labels, bad);
        assertMessage(dir, "label 12 is outside the classes");
    }

    @Test
    void corruptGzipIsAnError() throws IOException {
        Path dir = tmp.resolve("gz");
        Files.createDirectories(dir);
        byte[] gz = Files.readAllBytes(FIXTURES.resolve("mnist/t10k-images-idx3-ubyte.gz"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        Files.copy(FIXTURES.resolve("mnist/t10k-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        UserError e = assertThrows(UserError.class, () -> IdxDataset.open(dir, "test"));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    private void assertMessage(Path dir, String part) {
        UserError e = assertThrows(UserError.class, () -> IdxDataset.open(dir, "test"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** The fixture's files decompressed into a fresh folder. */
    private Path copyRaw(String ds) throws IOException {
        Path dir = tmp.resolve(ds + "-raw");
        Files.createDirectories(dir);
        try (var s = Files.list(FIXTURES.resolve(ds))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".gz")) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        in.transferTo(out);
                        Files.write(dir.resolve(name.substring(0, name.length() - 3)), out.toByteArray());
                    }
                } else {
                    Files.copy(p, dir.resolve(name));
                }
            }
        }
        return dir;
    }
}
