package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import dev.cvkit.train.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error is one line, whatever the file name or the library message; each input is listed once. */
class OneLineErrorsTest {
    @TempDir
    Path dir;

    @Test
    void fileNamesWithNewlinesAndEscapesAreEscaped() throws Exception {
        Path evil = dir.resolve("a\nb\u001b[31m.png");
        Files.write(evil, new byte[] {1, 2, 3});
        var r = CliTestSupport.run("propose", "--quiet", evil.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\u001b"), "ESC reaches the terminal raw");
        assertTrue(r.err().contains("a\\nb\\e[31m.png"), r.err());
    }

    @Test
    void jacksonMessagesBecomeOneLine() throws Exception {
        Path gt = dir.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 9223372036854775808, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 4}],"
                + " \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
        Path dt = Files.writeString(dir.resolve("dt.json"), "[]");
        var r = CliTestSupport.run("eval", "--gt", gt.toString(), "--dt", dt.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"images\": [{\"id\": 1, \"file_name\": \"\u00ff");
        Files.write(bad, new byte[] {'{', '"', 'i', 'm', 'a', 'g', 'e', 's', '"', ':', '[', '{', '"', 'f', '"', ':', '"', (byte) 0xff, '"', '}', ']', '}'});
        r = CliTestSupport.run("eval", "--gt", bad.toString(), "--dt", dt.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aDamagedMetricsLogIsAOneLineDataError() throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\": 1, \"loss\": 0.5}\n{\"epoch\": 2, \"loss\n");
        UserError e = assertThrows(UserError.class, () -> new MetricsLog(dir).load(5));
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("metrics.jsonl: line 2: malformed JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void csvListsAnImageWithoutDetections() throws Exception {
        var r = CliTestSupport.run("detect", "--model", "face-tiny", "--format", "csv", "--quiet",
                "src/test/resources/fixtures/detect/dog.png", "src/test/resources/fixtures/detect/astronaut.png");
        assertEquals(0, r.code(), r.err());
        var rows = r.out().lines().toList();
        assertTrue(rows.get(1).startsWith("src/test/resources/fixtures/detect/dog.png,"), r.out());
        assertTrue(rows.get(1).endsWith(",,,,,,,"), "no detection: empty fields " + rows.get(1));
        assertTrue(rows.stream().skip(2).allMatch(l -> l.startsWith("src/test/resources/fixtures/detect/astronaut.png,")), r.out());
        assertTrue(rows.size() >= 3, r.out());
    }

    @Test
    void textFilesThatAreNotUtf8AreDataErrors() throws Exception {
        Path props = Files.write(dir.resolve("p.jsonl"), new byte[] {'{', '"', 'f', (byte) 0xff, '"', '}', '\n'});
        var r = CliTestSupport.run("eval", "--proposals", props.toString(), "--gt", "samples/gt.json");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("not UTF-8 text"), r.err());
        Files.write(dir.resolve("metrics.jsonl"), new byte[] {'{', (byte) 0xc3, '}', '\n'});
        UserError e = assertThrows(UserError.class, () -> new MetricsLog(dir).load(5));
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("not UTF-8 text"), e.getMessage());
    }
}
