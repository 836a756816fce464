package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The single-stage families through {@code cvkit train --task detect}: each learns on a few
 * generated shapes from scratch, and its run's model file alone rebuilds the same detector.
 */
class SingleStageTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Path> PHOTOS = List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg"), Path.of("samples/eagle.jpg"));

    /**
     * 16 images of 96², batch 4, 80 AdamW steps from scratch, validated on the training images
     * every 20 steps: the summed loss must fall by 30 % and the last AP50 pass a bound and triple
     * the first. SSD went 17.6 → 2.1 and AP50 0.001 → 0.76; RetinaNet 1.69 → 0.87 and 0.007 →
     * 0.11 (its focal loss starts every anchor as background, prior 0.01, so its AP moves later;
     * after 40 steps it was still at 0.02–0.06, where float rounding alone, Winograd's or
     * im2col's, decided whether it passed a bound).
     */
    @ParameterizedTest
    @CsvSource({"retinanet, 0.05", "ssd, 0.3"})
    void learnsAndItsModelFileDetectsAlike(String arch, double minAp50, @TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(16, 0, 96, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(4, 0.002f, "adamw", 0.05f, 1, 20, 0, 5, 20, 0, 10f);
        Path run = tmp.resolve("run");
        DetectTraining.Request req = new DetectTraining.Request(arch, data.resolve("train.json"), null, data.resolve("train.json"), null,
                "resnet18", 96, null, "hflip", o, 100_000_000L);
        DetectTraining.Ready r = DetectTraining.start(req, () -> Files.createDirectories(run), 2, "test", w -> {}, null);
        try (var task = r.task()) {
            assertEquals(80, r.loop().run().iterations());
            List<JsonNode> rows = Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(SingleStageTrainingTest::json).toList();
            JsonNode end = rows.get(rows.size() - 1);
            assertEquals(4, rows.size(), "validated every 20 steps");
            double first = rows.get(0).get("train_loss").asDouble(), last = end.get("train_loss").asDouble();
            double ap50 = end.get("val_ap50").asDouble();
            String seen = arch + ": loss " + first + " → " + last + ", AP50 on the training images " + rows.get(0).get("val_ap50") + " → " + ap50;
            assertTrue(last < 0.7 * first, seen);
            assertTrue(ap50 > minAp50 && ap50 > 3 * rows.get(0).get("val_ap50").asDouble(), seen);

            Detector loaded = DetectorFiles.load(run.resolve("last.safetensors"));
            assertEquals(arch, loaded.architecture());
            assertEquals(List.of("circle", "square", "triangle", "star", "hexagon"), loaded.classes());
            RgbImage img;
            try (Mat m = ImageDecoder.read(data.resolve("train/000001.jpg"), 1 << 20)) {
                img = RgbImage.fromMat(m);
            }
            DetectParams p = new DetectParams(0.01f, 0.5f, 20);
            List<Detection> got = loaded.detect(img, p);
            assertFalse(got.isEmpty());
            assertEquals(task.detector(p).detect(img, p), got);
        }
    }

    /**
     * SSD on its VGG-16 trunk (BatchNorm, fc6/fc7 as convolutions) and on MobileNet v2: two steps
     * on 64² images give finite losses, and the model file names the backbone and detects as the
     * network it was saved from.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vgg16", "mobilenet_v2"})
    void ssdOnOtherTrunksTrainsAndItsModelFileDetectsAlike(String backbone, @TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(4, 0, 64, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(2, 0.001f, "adamw", 0.05f, 1, 1, 0, 1, 0, 0, 10f);
        Path run = tmp.resolve("run");
        DetectTraining.Request req = new DetectTraining.Request("ssd", data.resolve("train.json"), null, null, null, backbone, 64, null,
                "hflip", o, 100_000_000L);
        DetectTraining.Ready r = DetectTraining.start(req, () -> Files.createDirectories(run), 2, "test", w -> {}, null);
        try (var task = r.task()) {
            assertEquals(2, r.loop().run().iterations());
            JsonNode row = json(Files.readAllLines(run.resolve("metrics.jsonl")).get(0));
            assertTrue(Double.isFinite(row.get("train_loss").asDouble()) && row.get("train_classification").asDouble() > 0, row.toString());
            Detector loaded = DetectorFiles.load(run.resolve("last.safetensors"));
            RgbImage img;
            try (Mat m = ImageDecoder.read(data.resolve("train/000000.jpg"), 1 << 20)) {
                img = RgbImage.fromMat(m);
            }
            DetectParams p = new DetectParams(0.0f, 0.5f, 10);
            List<Detection> got = loaded.detect(img, p);
            assertEquals(10, got.size());
            assertEquals(task.detector(p).detect(img, p), got);
        }
        JsonNode cfg = JSON.readTree(dev.cvkit.io.SafeTensors.read(run.resolve("last.safetensors")).config());
        assertEquals(backbone, cfg.get("backbone").asText());
    }

    /**
     * SSDLite (MobileNet v2, depthwise-separable extra blocks and head): see {@link #trainSsdLite}.
     */
    @Test
    void ssdliteTrainsAndItsModelFileDetectsAlike(@TempDir Path tmp) throws IOException {
        trainSsdLite(tmp, "mobilenet_v2");
    }

    /**
     * {@code --arch ssdlite} on {@code backbone}: 32 steps on 16 images of 96² lower the summed
     * loss by a fifth, and the model file alone (architecture ssdlite) rebuilds a detector that
     * finds what the trained network finds. Returns the run folder.
     */
    static Path trainSsdLite(Path tmp, String backbone) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(16, 0, 96, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(4, 0.002f, "adamw", 0.05f, 1, 8, 0, 5, 16, 0, 10f);
        Path run = tmp.resolve("run");
        DetectTraining.Request req = new DetectTraining.Request("ssdlite", data.resolve("train.json"), null, null, null, backbone, 96,
                null, "hflip", o, 100_000_000L);
        DetectTraining.Ready r = DetectTraining.start(req, () -> Files.createDirectories(run), 2, "test", w -> {}, null);
        try (var task = r.task()) {
            assertEquals(32, r.loop().run().iterations());
            List<JsonNode> rows = Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(SingleStageTrainingTest::json).toList();
            double first = rows.get(0).get("train_loss").asDouble(), last = rows.get(rows.size() - 1).get("train_loss").asDouble();
            assertTrue(last < 0.8 * first, "ssdlite on " + backbone + ": loss " + first + " → " + last);
            Detector loaded = DetectorFiles.load(run.resolve("last.safetensors"));
            assertEquals("ssdlite", loaded.architecture());
            RgbImage img;
            try (Mat m = ImageDecoder.read(data.resolve("train/000001.jpg"), 1 << 20)) {
                img = RgbImage.fromMat(m);
            }
            DetectParams p = new DetectParams(0.0f, 0.5f, 10);
            List<Detection> got = loaded.detect(img, p);
            assertEquals(10, got.size());
            assertEquals(task.detector(p).detect(img, p), got);
        }
        return run;
    }

    /**
     * SSDLite's head by hand, for 5 classes (6 scores with background) at 160²: per map of C
     * channels and A boxes, each of the two predictors is a 3×3 depthwise convolution (9C, no
     * bias), BatchNorm (2C) and a 1×1 convolution (C·out + out), out = 6A or 4A. Maps: 32, 96,
     * 1280 channels (MobileNet v2 after blocks 6, 13, 18) and the extra blocks' 512 and 256, with
     * 4, 6, 6, 4, 4 boxes. An extra block from C to W channels: 1×1 to W/2, 3×3 depthwise,
     * 1×1 to W, each with BatchNorm.
     */
    @Test
    void ssdliteParameterCountsByHand() {
        TrainableDetector det = DetectorFamilies.get("ssdlite").create(new DetectorFamilies.Setup("mobilenet_v2", 5, 160, null));
        int[] c = {32, 96, 1280, 512, 256}, a = {4, 6, 6, 4, 4};
        long head = 0;
        for (int k = 0; k < 5; k++) {
            for (int out : new int[] {6 * a[k], 4 * a[k]}) head += 9L * c[k] + 2L * c[k] + (long) c[k] * out + out;
        }
        long extra = 0;
        int[][] blocks = {{1280, 512}, {512, 256}};
        for (int[] b : blocks) {
            int in = b[0], w = b[1], mid = w / 2;
            extra += (long) in * mid + 2L * mid + 9L * mid + 2L * mid + (long) mid * w + 2L * w;
        }
        java.util.Map<String, Long> byPart = new java.util.HashMap<>();
        det.network().namedParameters().forEach((name, t) -> byPart.merge(name.startsWith("head.") ? "head"
                : name.startsWith("backbone.extra.") ? "extra" : "body", (long) t.numel(), Long::sum));
        assertEquals(head, (long) byPart.get("head"));
        assertEquals(extra, (long) byPart.get("extra"));
        // the MobileNet v2 trunk is the zoo's classifier without its 1,281,000-parameter classifier
        assertEquals(dev.cvkit.models.Models.buildUninitialized(dev.cvkit.models.Architecture.MOBILENET_V2, 1000).parameterCount() - 1_281_000,
                (long) byPart.get("body"));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
