package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.segmentation.LabelImages;
import dev.cvkit.segmentation.SemanticMetrics;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eval --semantic --gt LABELS_DIR --ignore-index N: ground-truth pixels of value N count nowhere,
 * exactly as 255 does by default, and the matrix is the one counted by hand over the other pixels.
 */
class SemanticIgnoreIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void theIgnoredValueCountsNowhere() throws IOException {
        Random r = new Random(3);
        int w = 13, h = 9;
        SemanticMetrics hand = new SemanticMetrics(4);
        for (int i = 0; i < 3; i++) {
            byte[] truth = new byte[w * h], pred = new byte[w * h], with255 = new byte[w * h], with7 = new byte[w * h];
            for (int q = 0; q < w * h; q++) {
                truth[q] = (byte) r.nextInt(4);
                pred[q] = (byte) (r.nextInt(3) == 0 ? r.nextInt(4) : truth[q]);
                boolean ignored = r.nextInt(4) == 0;
                with255[q] = ignored ? (byte) 255 : truth[q];
                with7[q] = ignored ? 7 : truth[q];
                if (!ignored) hand.add(truth[q], pred[q], 1);
            }
            write(tmp.resolve("gt255/im" + i + ".png"), w, h, with255);
            write(tmp.resolve("gt7/im" + i + ".png"), w, h, with7);
            write(tmp.resolve("pred/im" + i + ".png"), w, h, pred);
        }
        var a = CliTestSupport.run("eval", "--semantic", "--gt", tmp.resolve("gt255").toString(), "--pred", tmp.resolve("pred").toString(),
                "--format", "json", "--quiet");
        var b = CliTestSupport.run("eval", "--semantic", "--gt", tmp.resolve("gt7").toString(), "--pred", tmp.resolve("pred").toString(),
                "--ignore-index", "7", "--format", "json", "--quiet");
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        JsonNode ja = JSON.readTree(a.out()), jb = JSON.readTree(b.out());
        for (String k : new String[] {"pixels", "pixel_acc", "miou", "fwiou", "iou", "confusion"}) assertEquals(ja.get(k), jb.get(k), k);
        assertEquals(hand.pixels(), jb.get("pixels").asLong());
        assertEquals(hand.meanIou(), jb.get("miou").asDouble(), 1e-12);
        long[][] c = hand.confusion();
        for (int t = 0; t < 4; t++) {
            for (int p = 0; p < 4; p++) assertEquals(c[t][p], jb.get("confusion").get(t).get(p).asLong());
        }
        // without --ignore-index, 7 is a class the predictions never name
        var plain = CliTestSupport.run("eval", "--semantic", "--gt", tmp.resolve("gt7").toString(), "--pred", tmp.resolve("pred").toString(),
                "--format", "json", "--quiet");
        assertEquals(8, JSON.readTree(plain.out()).get("classes").size(), plain.err());
        var bad = CliTestSupport.run("eval", "--gt", "gt.json", "--dt", "dt.json", "--ignore-index", "7", "--quiet");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--ignore-index goes with --semantic --gt LABELS_DIR"), bad.err());
    }

    private static void write(Path file, int w, int h, byte[] map) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, LabelImages.palettePng(new SemanticSegmenter.Labels(w, h, map)));
    }
}
