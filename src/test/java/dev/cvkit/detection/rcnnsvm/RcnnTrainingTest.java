package dev.cvkit.detection.rcnnsvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --task detect --arch rcnn} end to end on generated shapes, with a CNN small
 * enough for a unit test: fine-tuning, SVMs with hard-negative mining, box regression, the
 * final validation and the run folder.
 */
class RcnnTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Path> PHOTOS = List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg"), Path.of("samples/eagle.jpg"));

    /**
     * 24 images of 96², 32 × 32 crops, 8-16-32 channels and 64 features, 6 epochs of 6 steps,
     * validated on the training images: the fine-tuning loss falls by 40 %, the region
     * classifier's mean per-class recall beats chance (1/6) clearly, and the finished R-CNN finds
     * the shapes (it went 1.39 → 0.69, 0.27 and AP50 0.31; a 36-step CNN is weak, the SVMs
     * and box regression do much of the work).
     */
    @Test
    void learnsToDetectShapes(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(24, 4, 96, 3, PHOTOS, 2, 100_000_000L));
        Path out = tmp.resolve("run");
        TrainLoop.Options o = new TrainLoop.Options(4, 3e-3f, "adamw", 0.05f, 1, 6, 0, 4, 0, 0, 10f);
        CropNet.Spec spec = new CropNet.Spec(new Warp(32, 2), new int[] {8, 16, 32}, 64);
        RcnnTraining.Request req = new RcnnTraining.Request(data.resolve("train.json"), null, data.resolve("train.json"), null, o,
                100_000_000L, spec);
        RcnnTraining.Ready r = RcnnTraining.start(req, () -> {
            Files.createDirectories(out);
            return out;
        }, 2, "test", w -> {}, null);
        try (var task = r.task()) {
            assertEquals(36, r.loop().run().iterations());
        }
        List<String> said = new ArrayList<>();
        RcnnTraining.Finished f = RcnnTraining.finish(r, said::add);
        List<JsonNode> rows = Files.readAllLines(out.resolve("metrics.jsonl")).stream().map(RcnnTrainingTest::json).toList();
        assertEquals(7, rows.size()); // six epochs, then the SVM stage
        double first = rows.get(0).get("train_loss").asDouble(), last = rows.get(5).get("train_loss").asDouble();
        double acc = rows.get(5).get("val_region_acc").asDouble();
        String seen = "loss " + first + " → " + last + ", region accuracy " + acc + ", " + f.val() + ", " + said;
        assertTrue(last < 0.6 * first, seen);
        assertTrue(acc > 0.22, seen);
        assertTrue(f.val().get("val_ap50") > 0.2, seen);
        assertEquals(f.val().get("val_ap"), rows.get(6).get("val_ap").asDouble(), 0, seen);
        for (String file : List.of("best.safetensors", "last.safetensors", "checkpoint.safetensors", "metrics.csv", "losses.png", "val.png")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        // the run's model file is the whole R-CNN, a detector by itself
        JsonNode cfg = JSON.readTree(SafeTensors.readMetadata(out.resolve("best.safetensors")).get(SafeTensors.CONFIG_KEY));
        assertEquals("rcnn", cfg.get("architecture").asText());
        assertEquals("svm", cfg.get("scorer").asText());
        assertTrue(cfg.get("box_regression").asBoolean());
        Detector d = DetectorFiles.load(out.resolve("best.safetensors"));
        assertEquals("rcnn", d.architecture());
        assertEquals(5, d.classes().size());
        // with its own defaults (calibrated score ≥ 0.5) it finds shapes in the training images
        int found = 0;
        for (int i = 0; i < 8; i++) {
            try (var m = dev.cvkit.image.ImageDecoder.read(data.resolve("train").resolve(String.format("%06d.jpg", i)), 100_000_000L)) {
                found += d.detect(dev.cvkit.image.RgbImage.fromMat(m), d.defaults()).size();
            }
        }
        assertTrue(found > 0, "no detections at the default threshold in 8 training images");
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
