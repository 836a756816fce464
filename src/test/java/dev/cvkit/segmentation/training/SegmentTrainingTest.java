package dev.cvkit.segmentation.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.segmentation.SemanticMetrics;
import dev.cvkit.segmentation.SemanticModelFile;
import dev.cvkit.segmentation.SemanticSegmenter;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit train --task segment} end to end on generated shapes: an FCN-8s (ResNet-18) learns
 * (validation mIoU rises above its first value), and best.safetensors alone rebuilds a segmenter
 * whose label maps give exactly the logged best mIoU.
 */
class SegmentTrainingTest {
    private static final List<Path> PHOTOS = List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg"));
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void learnsAndTheModelFileReproducesItsScore() throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(16, 4, 64, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(8, 4e-3f, "adamw", 0.05f, 1, 30, 0, 5, 15, 0, 10f);
        SegmentTraining.Request req = new SegmentTraining.Request("fcn", data.resolve("train.json"), null, data.resolve("val.json"), null,
                "resnet18", 64, null, null, "hflip", o, 100_000_000L);
        Path out = tmp.resolve("run");
        SegmentTraining.Ready ready = SegmentTraining.start(req, () -> Files.createDirectories(out), 2, "test", w -> {}, null);
        try (var task = ready.task()) {
            ready.loop().run();
        }
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) rows.add(JSON.readTree(l));
        assertEquals(4, rows.size(), "validations at iterations 15, 30, 45, 60");
        double first = rows.get(0).get("val_miou").asDouble(), best = Double.NEGATIVE_INFINITY;
        for (JsonNode r : rows) best = Math.max(best, r.get("val_miou").asDouble());
        // 16 images of 64², 60 iterations (about 20 s): held-out mIoU went 0.096 → 0.165 in a trial
        assertTrue(best > first + 0.03, "mIoU rises: " + rows.stream().map(r -> r.get("val_miou").asText()).toList());
        assertTrue(rows.get(rows.size() - 1).get("train_ce").asDouble() < rows.get(0).get("train_ce").asDouble(), "the loss falls");
        for (String f : new String[] {"losses.png", "val.png", "last.safetensors", "checkpoint.safetensors", "metrics.csv"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }

        SemanticSegmenter seg = SemanticModelFile.read(out.resolve("best.safetensors"));
        SemanticSet val = SemanticSet.read(data.resolve("val.json"), null);
        assertEquals(val.classes(), seg.classes());
        SemanticMetrics m = new SemanticMetrics(seg.classes().size() + 1);
        for (int i = 0; i < val.size(); i++) {
            RgbImage img;
            try (Mat mat = ImageDecoder.read(val.items().get(i).path(), 100_000_000L)) {
                img = RgbImage.fromMat(mat);
            }
            SemanticSegmenter.Labels l = seg.segment(img);
            assertArrayEquals(l.map(), seg.segment(img).map(), "deterministic");
            m.add(val.labels(i), l.map(), SemanticSet.IGNORE);
        }
        assertEquals(best, Math.round(m.meanIou() * 1e6) / 1e6, 1e-9, "the model file scores what the run logged as best");
        JsonNode cfg = JSON.readTree(dev.cvkit.io.SafeTensors.read(out.resolve("best.safetensors")).config());
        assertEquals("segment", cfg.get("task").asText());
        assertEquals("fcn-8s", cfg.get("head").asText());
        assertEquals(64, cfg.get("transform").get("size").asInt());
        assertEquals(val.classes().size(), cfg.get("category_ids").size());
    }

    /**
     * FCN-16s with learned upsampling: a tiny run moves the transposed convolutions away from their
     * bilinear start, and best.safetensors alone (head and upsampling from its config) rebuilds a
     * segmenter that scores exactly the logged best mIoU.
     */
    @Test
    void fcn16sWithLearnedUpsamplingTrainsAndReloads() throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(8, 2, 64, 7, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(4, 4e-3f, "adamw", 0.05f, 1, 3, 0, 2, 3, 0, 10f);
        SegmentTraining.Request req = new SegmentTraining.Request("fcn", data.resolve("train.json"), null, data.resolve("val.json"), null,
                "resnet18", 64, "fcn16s", "transposed", "none", o, 100_000_000L);
        Path out = tmp.resolve("run");
        SegmentTraining.Ready ready = SegmentTraining.start(req, () -> Files.createDirectories(out), 2, "test", w -> {}, null);
        assertTrue(ready.describe().contains("fcn-16s (learned upsampling)"), ready.describe());
        try (var task = ready.task()) {
            ready.loop().run();
        }
        JsonNode cfg = JSON.readTree(dev.cvkit.io.SafeTensors.read(out.resolve("best.safetensors")).config());
        assertEquals("fcn-16s", cfg.get("head").asText());
        assertEquals("transposed", cfg.get("upsample").asText());
        var w = dev.cvkit.io.SafeTensors.read(out.resolve("last.safetensors")).tensors();
        assertTrue(!w.containsKey("skip2.weight") && w.containsKey("skip3.weight") && !w.containsKey("upscore_pool4.weight"), w.keySet().toString());
        for (var e : java.util.Map.of("upscore.weight", 16, "upscore2.weight", 2).entrySet()) {
            float[] start = dev.cvkit.segmentation.Fcn.bilinear(4, e.getValue()).weight.data(), now = w.get(e.getKey()).data();
            double moved = 0;
            for (int i = 0; i < start.length; i++) moved = Math.max(moved, Math.abs(now[i] - start[i]));
            assertTrue(moved > 1e-4, e.getKey() + " is learned: moved at most " + moved + " from bilinear");
        }
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) rows.add(JSON.readTree(l));
        double best = Double.NEGATIVE_INFINITY;
        for (JsonNode r : rows) best = Math.max(best, r.get("val_miou").asDouble());
        SemanticSegmenter seg = SemanticModelFile.read(out.resolve("best.safetensors"));
        assertEquals("fcn-16s", seg.spec().head());
        SemanticSet val = SemanticSet.read(data.resolve("val.json"), null);
        SemanticMetrics m = new SemanticMetrics(seg.classes().size() + 1);
        for (int i = 0; i < val.size(); i++) {
            try (Mat mat = ImageDecoder.read(val.items().get(i).path(), 100_000_000L)) {
                m.add(val.labels(i), seg.segment(RgbImage.fromMat(mat)).map(), SemanticSet.IGNORE);
            }
        }
        assertEquals(best, Math.round(m.meanIou() * 1e6) / 1e6, 1e-9, "the model file scores what the run logged as best");
    }

    /** --data data.yaml (YOLO segmentation): its train and val splits become COCO files in the run folder, and the run trains and validates on them. */
    @Test
    void trainsOnYoloSegmentData() throws IOException {
        Path shapes = tmp.resolve("shapes");
        ShapesGenerator.generate(shapes, new ShapesGenerator.Options(6, 4, 64, 11, PHOTOS, 2, 100_000_000L));
        Path root = tmp.resolve("yolo");
        int train = dev.cvkit.data.segment.YoloSegmentReaderTest.yoloSplit(shapes.resolve("train.json"), shapes.resolve("train"), root, "train").size();
        int val = dev.cvkit.data.segment.YoloSegmentReaderTest.yoloSplit(shapes.resolve("val.json"), shapes.resolve("val"), root, "val").size();
        assertTrue(train > 0 && val > 0, train + " / " + val);
        Path yaml = dev.cvkit.data.segment.YoloSegmentReaderTest.yaml(root, shapes.resolve("train.json"));
        TrainLoop.Options o = new TrainLoop.Options(8, 1e-3f, "adamw", 0.05f, 1, 1, 0, 1, 0, 0, 10f);
        SegmentTraining.Request req = new SegmentTraining.Request("fcn", yaml, null, null, null, "resnet18", 64, null, null, "none", o, 100_000_000L);
        Path out = tmp.resolve("run");
        SegmentTraining.Ready ready = SegmentTraining.start(req, () -> Files.createDirectories(out), 2, "test", w -> {}, null);
        assertTrue(ready.describe().startsWith(train + " images, ") && ready.describe().endsWith("validation: " + val + " images from " + out.resolve("val_gt.json")),
                ready.describe());
        try (var task = ready.task()) {
            ready.loop().run();
        }
        assertEquals(dev.cvkit.data.segment.SemanticSet.read(out.resolve("train_gt.json"), root.resolve("images/train")).size(), train);
        JsonNode row = JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertTrue(row.get("val_miou").asDouble() >= 0 && row.get("val_pixel_acc").asDouble() > 0, row.toString());
    }

    /** Stopped after iteration 5 (checkpoint at 4), resumed: the same weights and rows at 8 as a run never stopped (dropout included). */
    @Test
    void resumedRunEndsExactlyWhereAnUnbrokenOneDoes() throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(8, 2, 64, 5, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(2, 1e-3f, "adamw", 0.05f, 5, 2, 0, 3, 2, 0, 10f);
        SegmentTraining.Request req = new SegmentTraining.Request("fcn", data.resolve("train.json"), null, data.resolve("val.json"), null,
                "resnet18", 64, null, null, "hflip", o, 100_000_000L);
        SegmentTraining.Ready a = SegmentTraining.start(req, () -> Files.createDirectories(tmp.resolve("a")), 2, "test", w -> {}, null);
        try (var task = a.task()) {
            a.loop().run();
        }
        TrainLoop.Listener crash = new TrainLoop.Listener() {
            @Override
            public void step(int iteration, int total, java.util.Map<String, Double> losses, double ips, double eta) {
                if (iteration == 5) throw new IllegalStateException("killed");
            }

            @Override
            public void row(com.fasterxml.jackson.databind.node.ObjectNode row) {}
        };
        SegmentTraining.Ready b = SegmentTraining.start(req, () -> Files.createDirectories(tmp.resolve("b")), 2, "test", w -> {}, crash);
        try (var task = b.task()) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> b.loop().run());
        }
        SegmentTraining.Ready resumed = SegmentTraining.resume(tmp.resolve("b"), 2, 100_000_000L, null);
        assertEquals(4, resumed.loop().iteration());
        try (var task = resumed.task()) {
            resumed.loop().run();
        }
        var wa = dev.cvkit.io.SafeTensors.read(tmp.resolve("a/last.safetensors")).tensors();
        var wb = dev.cvkit.io.SafeTensors.read(tmp.resolve("b/last.safetensors")).tensors();
        assertEquals(wa.keySet(), wb.keySet());
        for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data(), wb.get(k).data(), k);
        List<String> ra = Files.readAllLines(tmp.resolve("a/metrics.jsonl")), rb = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertEquals(4, rb.size(), "rows of iterations 2, 4, 6, 8");
        for (int i = 0; i < 4; i++) {
            for (String f : List.of("iteration", "train_loss", "val_miou", "val_pixel_acc", "lr")) {
                assertEquals(JSON.readTree(ra.get(i)).get(f), JSON.readTree(rb.get(i)).get(f), f + " of row " + i);
            }
        }
    }

    @Test
    void metricsAreTorchvisionsConfusionMatrix() {
        SemanticMetrics m = new SemanticMetrics(3);
        // targets 0 0 1 1 2 255, predictions 0 1 1 1 0 2: the 255 pixel counts nowhere
        m.add(new byte[] {0, 0, 1, 1, 2, (byte) 255}, new byte[] {0, 1, 1, 1, 0, 2}, 255);
        assertEquals(3.0 / 5, m.pixelAccuracy(), 1e-12);
        double[] iou = m.iou();
        assertEquals(1.0 / 3, iou[0], 1e-12); // tp 1, target 2, predicted 2
        assertEquals(2.0 / 3, iou[1], 1e-12); // tp 2, target 2, predicted 3
        assertEquals(0.0, iou[2], 1e-12);
        assertEquals((1.0 / 3 + 2.0 / 3) / 3, m.meanIou(), 1e-12);
    }
}
