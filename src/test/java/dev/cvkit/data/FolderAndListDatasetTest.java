package dev.cvkit.data;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import dev.cvkit.image.Pixels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageFolder and list datasets over PNGs written from the MNIST subset: the decoded pixels and
 * labels must be the idx file's (PNG is lossless), which is an independent check of both.
 */
class FolderAndListDatasetTest {
    @TempDir
    Path tmp;
    IdxDataset digits;
    List<String> written = new ArrayList<>();

    @BeforeEach
    void writeDigits() throws IOException {
        digits = IdxDataset.open(IdxDatasetTest.FIXTURES.resolve("mnist"), "test");
        for (int i = 0; i < 30; i++) {
            Path p = tmp.resolve("digits").resolve(Integer.toString(digits.label(i))).resolve(String.format("img%03d.png", i));
            Files.createDirectories(p.getParent());
            try (Mat m = digits.image(i).toMat()) {
                imwrite(p.toString(), m);
            }
            written.add(p.toString());
        }
    }

    @Test
    void imageFolderMatchesIdx() {
        ImageFolderDataset d = ImageFolderDataset.open(tmp.resolve("digits"), null, 1_000_000);
        assertEquals(30, d.size());
        List<String> expectedClasses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String c = Integer.toString(digits.label(i));
            if (!expectedClasses.contains(c)) {
                expectedClasses.add(c);
            }
        }
        expectedClasses.sort(null);
        assertEquals(expectedClasses, d.classes());
        for (int k = 0; k < d.size(); k++) {
            int i = Integer.parseInt(d.file(k).getFileName().toString().substring(3, 6));
            assertEquals(Integer.toString(digits.label(i)), d.classes().get(d.label(k)));
            Pixels p = d.image(k);
            assertEquals(3, p.channels()); // decoded as BGR, each channel the gray value
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertEquals(digits.image(i).at(y, x, 0), p.at(y, x, 1));
                }
            }
        }
    }

    @Test
    void imageFolderStrictAboutClasses() throws IOException {
        Path root = tmp.resolve("digits");
        // the first 30 test digits have every class but 8
        List<String> ten = List.of("0", "1", "2", "3", "4", "5", "6", "7", "9");
        assertEquals(ten, ImageFolderDataset.open(root, ten, 1_000_000).classes());
        Path five = root.resolve("5");
        try (var s = Files.list(five)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        UserError empty = assertThrows(UserError.class, () -> ImageFolderDataset.open(root, null, 1_000_000));
        assertTrue(empty.getMessage().endsWith("5: class folder holds no images"), empty.getMessage());
        Files.delete(five);
        UserError missing = assertThrows(UserError.class, () -> ImageFolderDataset.open(root, ten, 1_000_000));
        assertTrue(missing.getMessage().contains("no folder for class '5'"), missing.getMessage());
        UserError unknown = assertThrows(UserError.class, () -> ImageFolderDataset.open(root, List.of("0", "1"), 1_000_000));
        assertTrue(unknown.getMessage().contains("folder '2' is not one of the 2 known classes"), unknown.getMessage());
        UserError none = assertThrows(UserError.class, () -> ImageFolderDataset.open(five.getParent().resolve("0"), null, 1_000_000));
        assertTrue(none.getMessage().contains("no class folders"), none.getMessage());
    }

    @Test
    void csvAndJsonlListsMatchIdx() throws IOException {
        StringBuilder csv = new StringBuilder("path,label\n");
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < written.size(); i++) {
            String rel = tmp.relativize(Path.of(written.get(i))).toString();
            String name = "digit " + digits.label(i);
            csv.append(i % 2 == 0 ? rel : "\"" + rel + "\"").append(',').append(name).append('\n');
            jsonl.append("{\"path\":\"").append(rel).append("\",\"label\":\"").append(name).append("\"}\n\n");
        }
        Files.writeString(tmp.resolve("list.csv"), csv);
        Files.writeString(tmp.resolve("list.jsonl"), jsonl);
        for (String f : List.of("list.csv", "list.jsonl")) {
            Dataset d = Datasets.open(tmp.resolve(f), "train", null, 1_000_000);
            assertEquals(30, d.size(), f);
            assertEquals("digit 0", d.classes().get(0));
            for (int i = 0; i < 30; i++) {
                assertEquals("digit " + digits.label(i), d.classes().get(d.label(i)));
                assertArrayEquals(digits.image(i).data(), gray(d.image(i)));
            }
        }
    }

    @Test
    void listErrorsNameTheLine() throws IOException {
        Path list = tmp.resolve("bad.csv");
        String first = tmp.relativize(Path.of(written.get(0))).toString();
        Files.writeString(list, first + ",a\nmissing.png,b\n", StandardCharsets.UTF_8);
        assertMessage(list, "bad.csv:2: missing.png: no such file");
        Files.writeString(list, first + ",a,extra\n");
        assertMessage(list, "bad.csv:1: expected 'path,label', got 3 field(s)");
        Files.writeString(list, "\"" + first + ",a\n");
        assertMessage(list, "bad.csv:1: unterminated quote");
        Path jl = tmp.resolve("bad.jsonl");
        Files.writeString(jl, "{\"path\": \"" + first + "\", \"label\": 3}\n{\"path\": 1\n");
        assertMessage(jl, "bad.jsonl:2: malformed JSON at column");
        Files.writeString(jl, "{\"file\": \"x\"}\n");
        assertMessage(jl, "bad.jsonl:1: expected {\"path\"");
        Files.writeString(list, first + ",cat\n");
        UserError e = assertThrows(UserError.class, () -> ListDataset.open(list, List.of("dog"), 1000));
        assertTrue(e.getMessage().contains("bad.csv:1: label 'cat' is not one of the 1 known classes [dog]"), e.getMessage());
    }

    @Test
    void datasetsOpensSplitFolders() throws IOException {
        Path root = tmp.resolve("digits");
        UserError noTest = assertThrows(UserError.class, () -> Datasets.open(root, "test", null, 1000));
        assertTrue(noTest.getMessage().contains("no 'test' folder"), noTest.getMessage());
        Path withSplits = tmp.resolve("split");
        Files.createDirectories(withSplits);
        Files.move(root, withSplits.resolve("test"));
        Dataset d = Datasets.open(withSplits, "test", null, 1_000_000);
        assertEquals(30, d.size());
        assertTrue(Datasets.hasSplit(withSplits, "test"));
        assertTrue(Datasets.hasSplit(IdxDatasetTest.FIXTURES.resolve("mnist"), "test"));
        UserError notThere = assertThrows(UserError.class, () -> Datasets.open(tmp.resolve("nope"), "train", null, 1000));
        assertEquals(2, notThere.exitCode());
    }

    private void assertMessage(Path list, String part) {
        UserError e = assertThrows(UserError.class, () -> ListDataset.open(list, null, 1000));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static byte[] gray(Pixels p) {
        byte[] g = new byte[p.height() * p.width()];
        for (int i = 0; i < g.length; i++) {
            g[i] = p.data()[i * p.channels()];
        }
        return g;
    }
}
