package dev.cvkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputWalkerTest {
    @TempDir
    Path dir;

    private List<InputItem> walk(List<String> specs, String stdin) {
        List<InputItem> out = new ArrayList<>();
        InputWalker.images(specs, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))).forEachRemaining(out::add);
        return out;
    }

    private static List<String> given(List<InputItem> items) {
        return items.stream().map(InputItem::given).toList();
    }

    @Test
    void foldersAreWalkedRecursivelySortedImagesOnly() throws IOException {
        Files.createDirectories(dir.resolve("b/sub"));
        Files.createDirectories(dir.resolve("a"));
        for (String f : List.of("b/sub/z.png", "b/c.JPG", "a/x.jpg", "a/notes.txt", "top.webp")) {
            Files.writeString(dir.resolve(f), "x");
        }
        List<InputItem> items = walk(List.of(dir.toString()), "");
        assertEquals(List.of(dir + "/a/x.jpg", dir + "/b/c.JPG", dir + "/b/sub/z.png", dir + "/top.webp"), given(items));
        assertEquals(Path.of("b/sub/z.png"), items.get(2).relative());
    }

    @Test
    void symlinkLoopsAreVisitedOnce() throws IOException {
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/i.png"), "x");
        Files.createSymbolicLink(dir.resolve("d/loop"), dir.resolve("d"));
        assertEquals(1, walk(List.of(dir.resolve("d").toString()), "").size());
    }

    @Test
    void missingPathsBecomeFailedItemsAndTheRestGoesOn() throws IOException {
        Files.writeString(dir.resolve("ok.png"), "x");
        List<InputItem> items = walk(List.of(dir.resolve("nope.png").toString(), dir.resolve("ok.png").toString()), "");
        assertEquals(2, items.size());
        assertEquals("no such file or folder", items.get(0).error());
        assertNull(items.get(1).error());
    }

    @Test
    void globsExpandSortedAndReportNoMatch() throws IOException {
        for (String f : List.of("b.png", "a.png", "c.jpg")) {
            Files.writeString(dir.resolve(f), "x");
        }
        assertEquals(List.of(dir + "/a.png", dir + "/b.png"), given(walk(List.of(dir + "/*.png"), "")));
        InputItem none = walk(List.of(dir + "/*.gif"), "").get(0);
        assertNotNull(none.error());
    }

    @Test
    void dashAndNoInputReadPathsFromStdin() throws IOException {
        Files.writeString(dir.resolve("one.png"), "x");
        Files.createDirectories(dir.resolve("f"));
        Files.writeString(dir.resolve("f/two.png"), "x");
        String stdin = dir.resolve("one.png") + "\n\n  " + dir.resolve("f") + "  \n";
        assertEquals(List.of(dir + "/one.png", dir + "/f/two.png"), given(walk(List.of("-"), stdin)));
        assertEquals(List.of(dir + "/one.png", dir + "/f/two.png"), given(walk(List.of(), stdin)));
    }
}
