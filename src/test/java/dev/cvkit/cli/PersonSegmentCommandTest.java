package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.segmentation.Backgrounds;
import dev.cvkit.segmentation.PersonSegmenter;
import dev.cvkit.segmentation.SegmentModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit segment} with the bundled person segmenter (no --model): shares, --alpha soft
 * masks, --masks, and --save with --blur-background / --background hold exactly what the
 * segmenter and the compositing compute; bad background values and unsafe outputs get their
 * exit codes.
 */
class PersonSegmentCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PERSON = Path.of("src/test/resources/fixtures/detect/person.png");
    private static PersonSegmenter seg;
    private static RgbImage img;
    private static PersonSegmenter.Mask mask;

    @TempDir
    Path tmp;

    @BeforeAll
    static void segmentOnce() {
        seg = PersonSegmenter.read(Path.of("models", SegmentModels.DEFAULT.fileName()));
        img = read(PERSON);
        mask = seg.segment(img);
    }

    private static RgbImage read(Path p) {
        try (Mat m = ImageDecoder.read(p, 100_000_000L)) {
            return RgbImage.fromMat(m);
        }
    }

    private Path input() throws IOException {
        Path in = tmp.resolve("in/sub");
        Files.createDirectories(in);
        Files.copy(PERSON, in.resolve("person.png"));
        return tmp.resolve("in");
    }

    @Test
    void defaultModelFindsThePersonAndWritesAlphaAndMasks() throws IOException {
        Path in = input();
        var r = CliTestSupport.run("segment", in.toString(), "--format", "jsonl", "--alpha", tmp.resolve("alpha").toString(),
                "--masks", tmp.resolve("masks").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode line = JSON.readTree(r.out().strip());
        long[] counts = mask.labels().counts(2);
        double total = (double) img.width() * img.height();
        assertEquals(Math.round(counts[1] / total * 1e6) / 1e6, line.get("shares").get("person").asDouble(), 1e-12);
        assertTrue(line.get("shares").get("person").asDouble() > 0.03, "the person in the photo is found: " + line);
        assertTrue(line.get("shares").get("person").asDouble() < 0.5, line.toString());

        BufferedImage alpha = ImageIO.read(tmp.resolve("alpha/sub/person.png").toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, alpha.getType());
        byte[] got = new byte[img.width() * img.height()];
        alpha.getRaster().getDataElements(0, 0, img.width(), img.height(), got);
        assertArrayEquals(Backgrounds.alphaBytes(mask.alpha()), got, "alpha = round(255 p) per pixel");
        BufferedImage labels = ImageIO.read(tmp.resolve("masks/sub/person.png").toFile());
        labels.getRaster().getDataElements(0, 0, img.width(), img.height(), got);
        assertArrayEquals(mask.labels().map(), got, "palette mask: 1 where alpha >= 0.5");
    }

    @Test
    void blurAndReplaceTheBackground() throws IOException {
        Path in = input();
        var r = CliTestSupport.run("segment", in.toString(), "--blur-background", "--save", tmp.resolve("blur").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        RgbImage blurred = read(tmp.resolve("blur/sub/person.png"));
        assertArrayEquals(Backgrounds.composite(img, Backgrounds.blurred(img), mask.alpha()).rgb(), blurred.rgb());
        assertFalse(java.util.Arrays.equals(img.rgb(), blurred.rgb()), "the background is blurred");

        r = CliTestSupport.run("segment", in.toString(), "--background", "#00ff00", "--save", tmp.resolve("green").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        RgbImage green = read(tmp.resolve("green/sub/person.png"));
        int background = 0, person = 0;
        for (int q = 0; q < mask.alpha().length; q++) {
            if (mask.alpha()[q] < 1e-3f) {
                assertEquals(0, green.rgb()[3 * q] & 0xff);
                assertEquals(255, green.rgb()[3 * q + 1] & 0xff);
                background++;
            } else if (mask.alpha()[q] > 0.999f) {
                assertEquals(img.rgb()[3 * q + 2], green.rgb()[3 * q + 2]);
                person++;
            }
        }
        assertTrue(background > 1000 && person > 1000, background + " background, " + person + " person pixels");

        Path bg = tmp.resolve("bg.png");
        Files.copy(Path.of("src/test/resources/fixtures/detect/dog.png"), bg);
        r = CliTestSupport.run("segment", in.toString(), "--background", bg.toString(), "--save", tmp.resolve("dog").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        RgbImage replaced = read(tmp.resolve("dog/sub/person.png"));
        assertArrayEquals(Backgrounds.composite(img, Backgrounds.cover(read(bg), img.width(), img.height()), mask.alpha()).rgb(), replaced.rgb());
    }

    @Test
    void badBackgroundsAreUsageErrors() throws IOException {
        Path in = input();
        String save = tmp.resolve("out").toString();
        for (String bad : new String[] {"no-such.png", "300,0,0", "#12345", "purple"}) {
            var r = CliTestSupport.run("segment", in.toString(), "--background", bad, "--save", save);
            assertEquals(2, r.code(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("cvkit: --background " + bad + ": no such image file, and not a colour"), r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
        }
        var both = CliTestSupport.run("segment", in.toString(), "--background", "white", "--blur-background", "--save", save);
        assertEquals(2, both.code(), both.err());
        var noSave = CliTestSupport.run("segment", in.toString(), "--blur-background");
        assertEquals(2, noSave.code(), noSave.err());
        assertTrue(noSave.err().contains("give --save"), noSave.err());
        Path junk = tmp.resolve("junk.png");
        Files.write(junk, new byte[] {1, 2, 3, 4});
        var corrupt = CliTestSupport.run("segment", in.toString(), "--background", junk.toString(), "--save", save);
        assertEquals(1, corrupt.code(), corrupt.err());
        assertTrue(corrupt.err().contains(junk.toString()), corrupt.err());
        assertFalse(Files.exists(tmp.resolve("out/sub/person.png")), "nothing written after a usage error");
    }

    @Test
    void outputsNeverReplaceInputs() throws IOException {
        Path in = input();
        var into = CliTestSupport.run("segment", in.toString(), "--alpha", in.resolve("sub").toString());
        assertEquals(2, into.code(), into.err());
        var same = CliTestSupport.run("segment", in.toString(), "--alpha", tmp.resolve("o").toString(), "--masks", tmp.resolve("o").toString());
        assertEquals(2, same.code(), same.err());
        assertTrue(same.err().contains("also the --masks folder"), same.err());
        var masksAndSave = CliTestSupport.run("segment", in.toString(), "--masks", tmp.resolve("m").toString(), "--save", tmp.resolve("m").toString());
        assertEquals(2, masksAndSave.code(), masksAndSave.err());
        assertTrue(masksAndSave.err().contains("--save " + tmp.resolve("m") + " is also the --masks folder"), masksAndSave.err());
        assertFalse(Files.exists(tmp.resolve("m")), "nothing written");
        // the --background image lies where --save would write
        Path out = tmp.resolve("save/sub");
        Files.createDirectories(out);
        Files.copy(PERSON, out.resolve("person.png"));
        byte[] before = Files.readAllBytes(out.resolve("person.png"));
        var over = CliTestSupport.run("segment", in.toString(), "--background", out.resolve("person.png").toString(),
                "--save", tmp.resolve("save").toString(), "--exist-ok");
        assertEquals(2, over.code(), over.err());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("person.png")));
    }

    @Test
    void modelNamesAndFiles() throws IOException {
        Path in = input();
        var selfie = CliTestSupport.run("segment", "--model", "selfie", in.toString(), "--format", "jsonl", "--quiet");
        assertEquals(0, selfie.code(), selfie.err());
        var file = CliTestSupport.run("segment", "--model", "models/selfie.safetensors", in.toString(), "--format", "jsonl", "--quiet");
        assertEquals(selfie.out(), file.out());
        var detector = CliTestSupport.run("segment", "--model", "models/nanodet.safetensors", in.toString());
        assertEquals(2, detector.code(), detector.err());
    }
}
