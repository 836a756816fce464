package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both YOLO forms trained end to end on generated shapes by the detector trainer (mosaics on):
 * they must learn, and the run's model file must be a detector by itself that gives the same
 * detections as the network it was saved from.
 */
class YoloTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Path> PHOTOS = List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg"), Path.of("samples/eagle.jpg"));

    private static List<JsonNode> train(String arch, Path tmp, int iterations, float lr, String augment) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(16, 4, 64, 3, PHOTOS, 2, 100_000_000L));
        int epochs = iterations * 8 / 16;
        TrainLoop.Options o = new TrainLoop.Options(8, lr, "adamw", 0.05f, 1, epochs, 0, 10, iterations / 2, 0, 10f);
        DetectTraining.Request req = new DetectTraining.Request(arch, data.resolve("train.json"), null, data.resolve("train.json"), null,
                "csp", 64, null, augment, o, 100_000_000L, "n");
        Path run = tmp.resolve("run");
        DetectTraining.Ready r = DetectTraining.start(req, () -> {
            Files.createDirectories(run);
            return run;
        }, 2, "test", w -> {}, null);
        try (var task = r.task()) {
            assertEquals(iterations, r.loop().run().iterations());
            // the model file alone rebuilds the detector: the same detections as the trained network
            Detector loaded = DetectorFiles.load(run.resolve("last.safetensors"));
            assertEquals(arch, loaded.architecture());
            assertEquals(List.of("circle", "square", "triangle", "star", "hexagon"), loaded.classes());
            RgbImage img;
            try (Mat m = ImageDecoder.read(data.resolve("train/000001.jpg"), 1 << 20)) {
                img = RgbImage.fromMat(m);
            }
            DetectParams p = new DetectParams(0.01f, 0.5f, 20);
            assertEquals(task.detector(p).detect(img, p), loaded.detect(img, p));
        }
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(YoloTrainingTest::json).toList();
    }

    /**
     * The anchor-free YOLO (scale n) on 16 images of 64², batch 8: after 60 steps its summed
     * loss has fallen by a third and AP50 on the training images has doubled (it went
     * 26.3 → 6.2 and 0.089 → 0.296).
     */
    @Test
    void anchorFreeYoloLearns(@TempDir Path tmp) throws IOException {
        List<JsonNode> rows = train("yolo", tmp, 60, 0.004f, "hflip,mosaic");
        assertEquals(List.of("iteration", "epoch", "lr", "train_loss_box", "train_loss_cls", "train_loss_dfl", "train_loss"),
                fields(rows.get(0)).subList(0, 7));
        double first = rows.get(0).get("train_loss").asDouble(), last = rows.get(1).get("train_loss").asDouble();
        double ap0 = rows.get(0).get("val_ap50").asDouble(), ap = rows.get(1).get("val_ap50").asDouble();
        String seen = "loss " + first + " → " + last + ", AP50 " + ap0 + " → " + ap;
        assertTrue(last < 0.67 * first, seen);
        assertTrue(ap > 2 * ap0 && ap > 0.05, seen);
    }

    /**
     * YOLO v1 (scale n, a 2×2 grid at 64²), 60 steps without augmentation: it memorises its 16
     * training images, so its summed loss halves and AP50 on them passes 0.3 (here 1.84 → 0.43
     * and 0.004 → 0.67; with OpenBLAS's Sandybridge kernels, which round differently, 1.75 → 0.33
     * and 0.020 → 0.70). With mosaics a four-cell grid learns too slowly in 60 steps for AP50 to
     * rise above its noise: it went 0.005 → 0.025 on one CPU and 0.025 → 0.011 on another.
     */
    @Test
    void gridYoloLearns(@TempDir Path tmp) throws IOException {
        List<JsonNode> rows = train("yolov1", tmp, 60, 0.002f, "none");
        assertEquals(List.of("train_loss_coord", "train_loss_obj", "train_loss_noobj", "train_loss_cls"), fields(rows.get(0)).subList(3, 7));
        double first = rows.get(0).get("train_loss").asDouble(), last = rows.get(1).get("train_loss").asDouble();
        double ap0 = rows.get(0).get("val_ap50").asDouble(), ap = rows.get(1).get("val_ap50").asDouble();
        String seen = "loss " + first + " → " + last + ", AP50 " + ap0 + " → " + ap;
        assertTrue(last < 0.5 * first, seen);
        assertTrue(ap > 0.3 && ap > 5 * ap0, seen);
    }

    /**
     * A YOLO run with mosaics stopped after iteration 5 (checkpoint at 4) and resumed ends with
     * exactly the weights of a run never stopped: the mosaics' partners and draws come from the
     * iteration's seed, and the network is rebuilt from the checkpoint's config.
     */
    @Test
    void resumedYoloRunEndsExactlyWhereAnUnbrokenOneDoes(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(8, 2, 64, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(2, 0.002f, "adamw", 0.05f, 5, 2, 0, 3, 2, 0, 10f);
        DetectTraining.Request req = new DetectTraining.Request("yolo", data.resolve("train.json"), null, data.resolve("val.json"), null,
                "csp", 64, null, "hflip,vflip,mosaic", o, 100_000_000L, "n", 0.5);
        for (String name : List.of("a", "b")) {
            Path run = tmp.resolve(name);
            Files.createDirectories(run);
            TrainLoop.Listener crash = !name.equals("b") ? null : new TrainLoop.Listener() {
                @Override
                public void step(int iteration, int total, java.util.Map<String, Double> losses, double ips, double eta) {
                    if (iteration == 5) throw new IllegalStateException("killed");
                }

                @Override
                public void row(com.fasterxml.jackson.databind.node.ObjectNode row) {}
            };
            DetectTraining.Ready r = DetectTraining.start(req, () -> run, 1, "test", w -> {}, crash);
            try (var task = r.task()) {
                if (crash == null) r.loop().run();
                else org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> r.loop().run());
            }
        }
        // --close-mosaic 0.5 is in the run config: the resumed iterations 5-8 are without mosaics too
        assertEquals(0.5, dev.cvkit.train.RunCheckpoint.read(tmp.resolve("b"), "detect").run().get("close_mosaic").asDouble());
        DetectTraining.Ready resumed = DetectTraining.resume(tmp.resolve("b"), 2, 100_000_000L, null);
        assertEquals(4, resumed.loop().iteration());
        try (var task = resumed.task()) {
            assertEquals(8, resumed.loop().run().iterations());
        }
        var wa = dev.cvkit.io.SafeTensors.read(tmp.resolve("a/last.safetensors")).tensors();
        var wb = dev.cvkit.io.SafeTensors.read(tmp.resolve("b/last.safetensors")).tensors();
        assertEquals(wa.keySet(), wb.keySet());
        for (String k : wa.keySet()) org.junit.jupiter.api.Assertions.assertArrayEquals(wa.get(k).data(), wb.get(k).data(), k);
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
