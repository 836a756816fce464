package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.segmentation.LabelImages;
import dev.cvkit.segmentation.SemanticEval;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit eval --semantic}: on label maps written by tools/reference/semantic_metrics.py the
 * confusion matrix, pixel accuracy, per-class IoU, mIoU and fwIoU equal NumPy's (torchvision's
 * definition); a COCO ground truth against its own rasterisation scores 1; gates, missing and
 * malformed predictions and usage mistakes get their exit codes.
 */
class EvalSemanticTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/segmentation/semantic-eval");
    @TempDir
    Path tmp;

    @Test
    void equalsTheNumpyReference() throws IOException {
        JsonNode want = JSON.readTree(FIXTURE.resolve("expected.json").toFile());
        Path plots = tmp.resolve("plots");
        var r = CliTestSupport.run("eval", "--semantic", "--gt", FIXTURE.resolve("gt").toString(), "--pred", FIXTURE.resolve("pred").toString(),
                "--format", "json", "--plots", plots.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode got = JSON.readTree(r.out());
        for (String k : List.of("pixel_acc", "miou", "fwiou")) assertEquals(want.get(k).asDouble(), got.get(k).asDouble(), 1e-12, k);
        assertEquals(want.get("pixels").asLong(), got.get("pixels").asLong());
        assertEquals(want.get("confusion"), got.get("confusion"));
        assertEquals(3, got.get("images").asInt());
        for (int k = 0; k < want.get("iou").size(); k++) {
            JsonNode w = want.get("iou").get(k), g = got.get("iou").get(Integer.toString(k));
            if (w.isNull()) assertTrue(g.isNull(), "class " + k + " occurs nowhere: no IoU");
            else assertEquals(w.asDouble(), g.asDouble(), 1e-12, "IoU of class " + k);
        }
        BufferedImage png = ImageIO.read(plots.resolve("confusion.png").toFile());
        assertTrue(png.getWidth() > 100 && png.getHeight() > 100);

        var text = CliTestSupport.run("eval", "--semantic", "--gt", FIXTURE.resolve("gt").toString(), "--pred", FIXTURE.resolve("pred").toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains(String.format(java.util.Locale.ROOT, "mIoU            %.4f", want.get("miou").asDouble())), text.out());
    }

    @Test
    void gatesAndBadPredictions() throws IOException {
        String gt = FIXTURE.resolve("gt").toString(), pred = FIXTURE.resolve("pred").toString();
        double miou = JSON.readTree(FIXTURE.resolve("expected.json").toFile()).get("miou").asDouble();
        assertEquals(3, CliTestSupport.run("eval", "--semantic", "--gt", gt, "--pred", pred, "--min", "mIoU=" + (miou + 0.01), "--quiet").code());
        assertEquals(0, CliTestSupport.run("eval", "--semantic", "--gt", gt, "--pred", pred, "--min", "miou=" + (miou - 0.01) + ",pixel_acc=0.5",
                "--quiet").code());
        var unknown = CliTestSupport.run("eval", "--semantic", "--gt", gt, "--pred", pred, "--min", "AP=0.3");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("pixel_acc miou fwiou"), unknown.err());
        assertEquals(2, CliTestSupport.run("eval", "--semantic", "--gt", gt).code());
        assertEquals(2, CliTestSupport.run("eval", "--semantic", "--gt", gt, "--pred", tmp.resolve("nowhere").toString()).code());
        assertEquals(2, CliTestSupport.run("eval", "--semantic", "--gt", gt, "--pred", pred, "--dt", "x.json").code());

        // one prediction missing, one in colour: both named, the third still scored, exit 1
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad.resolve("sub"));
        Files.copy(FIXTURE.resolve("pred/a.png"), bad.resolve("a.png"));
        BufferedImage rgb = new BufferedImage(31, 12, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(rgb, "png", bad.resolve("sub/b.png").toFile());
        var r = CliTestSupport.run("eval", "--semantic", "--gt", gt, "--pred", bad.toString(), "--format", "json");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad.resolve("sub/b.png") + ": has 3 channel(s)"), r.err());
        assertTrue(r.err().contains(bad.resolve("sub/c.png") + ": no predicted label map"), r.err());
        assertEquals(1, JSON.readTree(r.out()).get("images").asInt());
    }

    @Test
    void cocoGroundTruthAgainstItsOwnLabelMapsScoresOne() throws IOException {
        ShapesGenerator.generate(tmp.resolve("data"), new ShapesGenerator.Options(2, 3, 48, 3, List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        Path json = tmp.resolve("data/val.json");
        SemanticSet set = SemanticSet.read(json, null);
        Path pred = tmp.resolve("pred");
        long pixels = 0;
        for (int i = 0; i < set.size(); i++) {
            SemanticSet.Item it = set.items().get(i);
            byte[] map = set.labels(i).clone();
            for (int q = 0; q < map.length; q++) {
                if ((map[q] & 0xff) == SemanticSet.IGNORE) map[q] = 0;
                else pixels++;
            }
            Path f = SemanticEval.stemPng(pred, it.file());
            Files.createDirectories(f.getParent());
            Files.write(f, LabelImages.palettePng(new SemanticSegmenter.Labels(it.width(), it.height(), map)));
        }
        var r = CliTestSupport.run("eval", "--semantic", "--gt", json.toString(), "--pred", pred.toString(), "--format", "json", "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode got = JSON.readTree(r.out());
        assertEquals(1.0, got.get("pixel_acc").asDouble());
        assertEquals(1.0, got.get("miou").asDouble());
        assertEquals(1.0, got.get("fwiou").asDouble());
        assertEquals(pixels, got.get("pixels").asLong());
        assertEquals("background", got.get("classes").get(0).asText());
        assertEquals(set.classes().size() + 1, got.get("classes").size());
    }

    @Test
    void modelModeEqualsSegmentMasksScored() throws IOException {
        ShapesGenerator.generate(tmp.resolve("data"), new ShapesGenerator.Options(1, 3, 48, 3, List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        Path json = tmp.resolve("data/val.json");
        SemanticSet set = SemanticSet.read(json, null);
        dev.cvkit.nn.Init.seed(4);
        dev.cvkit.segmentation.FcnSpec spec = dev.cvkit.segmentation.FcnSpec.of("resnet18", set.classes().size() + 1, 48);
        dev.cvkit.segmentation.Fcn net = spec.build();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2);
        for (var e : net.stateDict().entrySet()) {
            if (e.getKey().startsWith("skip2.weight")) {
                float[] d = e.getValue().data();
                for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextDouble() - 0.5);
            }
        }
        Path model = tmp.resolve("fcn.safetensors");
        List<Integer> ids = new java.util.ArrayList<>();
        for (long id : set.categoryIds()) ids.add((int) id);
        dev.cvkit.segmentation.SemanticModelFile.save(model, net, dev.cvkit.segmentation.SemanticModelFile.config(spec, set.classes(), ids, null), "",
                java.util.Map.of(), java.util.Map.of());
        var direct = CliTestSupport.run("eval", "--model", model.toString(), "--data", json.toString(), "--format", "json", "--quiet");
        assertEquals(0, direct.code(), direct.err());
        Path pred = tmp.resolve("pred");
        var seg = CliTestSupport.run("segment", "--model", model.toString(), tmp.resolve("data/val").toString(), "--masks", pred.toString(), "--quiet");
        assertEquals(0, seg.code(), seg.err());
        var viaMasks = CliTestSupport.run("eval", "--semantic", "--gt", json.toString(), "--pred", pred.toString(), "--format", "json", "--quiet");
        assertEquals(0, viaMasks.code(), viaMasks.err());
        JsonNode a = JSON.readTree(direct.out()), b = JSON.readTree(viaMasks.out());
        assertEquals(b.get("confusion"), a.get("confusion"));
        assertEquals(b.get("miou").asDouble(), a.get("miou").asDouble());
        assertTrue(a.get("pixel_acc").asDouble() < 1, "an untrained model errs somewhere");
        assertEquals(2, CliTestSupport.run("eval", "--model", model.toString(), "--data", json.toString(), "--conf", "0.3").code());
    }
}
