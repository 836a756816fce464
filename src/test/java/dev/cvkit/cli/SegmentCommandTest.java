package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Init;
import dev.cvkit.segmentation.Fcn;
import dev.cvkit.segmentation.FcnSpec;
import dev.cvkit.segmentation.SemanticModelFile;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit segment} with a model file: JSONL shares are the label map's class counts, --masks
 * writes palette PNGs holding exactly the segmenter's class indices under the input's relative
 * path and stem, --save writes overlays of the input's size; bad inputs get their exit codes.
 */
class SegmentCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    private Path model() throws IOException {
        Init.seed(4);
        FcnSpec spec = FcnSpec.of("resnet18", 3, 64);
        Fcn net = spec.build();
        // a non-zero skip so that the untrained net's classes vary across the image
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (var e : net.stateDict().entrySet()) {
            if (e.getKey().startsWith("skip2.weight")) {
                float[] d = e.getValue().data();
                for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextDouble() - 0.5);
            }
        }
        Path f = tmp.resolve("fcn.safetensors");
        SemanticModelFile.save(f, net, SemanticModelFile.config(spec, List.of("circle", "square"), List.of(3, 7), null), "",
                java.util.Map.of(), java.util.Map.of());
        return f;
    }

    @Test
    void sharesMasksAndOverlays() throws IOException {
        Path f = model();
        Path in = tmp.resolve("in/sub");
        Files.createDirectories(in);
        Files.copy(Path.of("samples/dog.jpg"), in.resolve("dog.jpg"));
        var r = CliTestSupport.run("segment", "--model", f.toString(), tmp.resolve("in").toString(), "--format", "jsonl",
                "--masks", tmp.resolve("masks").toString(), "--save", tmp.resolve("out").toString(), "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode line = JSON.readTree(r.out().strip());
        SemanticSegmenter seg = SemanticModelFile.read(f);
        RgbImage img;
        try (Mat m = ImageDecoder.read(in.resolve("dog.jpg"), 100_000_000L)) {
            img = RgbImage.fromMat(m);
        }
        SemanticSegmenter.Labels want = seg.segment(img);
        long[] counts = want.counts(3);
        double total = (double) img.width() * img.height();
        String[] names = {"background", "circle", "square"};
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            assertEquals(Math.round(counts[k] / total * 1e6) / 1e6, line.get("shares").get(names[k]).asDouble(), 1e-12, names[k]);
            sum += line.get("shares").get(names[k]).asDouble();
        }
        assertEquals(1.0, sum, 1e-5);
        assertTrue(java.util.Arrays.stream(counts).filter(c -> c > 0).count() >= 2, "the test model marks more than one class: " + java.util.Arrays.toString(counts));

        BufferedImage mask = ImageIO.read(tmp.resolve("masks/sub/dog.png").toFile());
        assertTrue(mask.getColorModel() instanceof IndexColorModel, "a palette PNG");
        byte[] got = new byte[img.width() * img.height()];
        mask.getRaster().getDataElements(0, 0, img.width(), img.height(), got);
        assertArrayEquals(want.map(), got, "class index per pixel");
        BufferedImage overlay = ImageIO.read(tmp.resolve("out/sub/dog.jpg").toFile());
        assertEquals(img.width(), overlay.getWidth());
        assertEquals(img.height(), overlay.getHeight());
    }

    /** --alpha for an FCN: 1 − the softmax probability of the background, so above 0.5 wherever a class wins. */
    @Test
    void fcnAlphaIsOneMinusTheBackgroundProbability() throws IOException {
        Path f = model();
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Files.copy(Path.of("samples/dog.jpg"), in.resolve("dog.jpg"));
        var r = CliTestSupport.run("segment", "--model", f.toString(), in.toString(), "--alpha", tmp.resolve("alpha").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        RgbImage img;
        try (Mat m = ImageDecoder.read(in.resolve("dog.jpg"), 100_000_000L)) {
            img = RgbImage.fromMat(m);
        }
        SemanticSegmenter seg = SemanticModelFile.read(f);
        SemanticSegmenter.Soft soft = seg.segmentSoft(img);
        assertArrayEquals(seg.segment(img).map(), soft.labels().map());
        BufferedImage alpha = ImageIO.read(tmp.resolve("alpha/dog.png").toFile());
        byte[] got = new byte[img.width() * img.height()];
        alpha.getRaster().getDataElements(0, 0, img.width(), img.height(), got);
        assertArrayEquals(dev.cvkit.segmentation.Backgrounds.alphaBytes(soft.alpha()), got);
        int foreground = 0;
        for (int q = 0; q < got.length; q++) {
            if (soft.labels().map()[q] != 0) {
                assertTrue(soft.alpha()[q] > 0.5f, "pixel " + q + ": a class beat the background, alpha " + soft.alpha()[q]);
                foreground++;
            }
            assertTrue(soft.alpha()[q] >= 0 && soft.alpha()[q] <= 1);
        }
        assertTrue(foreground > 0, "the test model marks some pixels");
    }

    @Test
    void badInputsGetTheirExitCodes() throws IOException {
        var none = CliTestSupport.run("segment", "--model", "no-such-model", "samples/dog.jpg");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no such model file or model name"), none.err());
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        assertEquals(1, CliTestSupport.run("segment", "--model", junk.toString(), "samples/dog.jpg").code());
        Path f = model();
        var missing = CliTestSupport.run("segment", "--model", f.toString(), "samples/dog.jpg", tmp.resolve("nope.jpg").toString(), "--format", "jsonl");
        assertEquals(1, missing.code(), "one input failed");
        assertEquals(1, missing.out().strip().split("\n").length, "the other is still written");
    }
}
