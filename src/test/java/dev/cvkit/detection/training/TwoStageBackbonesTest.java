package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.segmentation.training.InstanceTraining;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Faster and Fast R-CNN on the backbones besides ResNet: VGG-16's conv5_3 (one map at stride 16,
 * no FPN) and MobileNet v2 (an FPN over its last two stages). A tiny run builds, trains, saves,
 * and its model file alone rebuilds the same detector.
 */
class TwoStageBackbonesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Path> PHOTOS = List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg"), Path.of("samples/eagle.jpg"));

    @ParameterizedTest
    @CsvSource({"faster-rcnn, vgg16, false", "faster-rcnn, mobilenet_v2, true", "fast-rcnn, mobilenet_v2, true"})
    void trainsSavesAndReloadsFromItsFileAlone(String arch, String backbone, boolean pyramid, @TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(4, 0, 64, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(2, 0.001f, "adamw", 0.05f, 1, 1, 0, 1, 0, 0, 10f);
        Path run = tmp.resolve("run");
        DetectTraining.Request req = new DetectTraining.Request(arch, data.resolve("train.json"), null, null, null, backbone, 64, null,
                "hflip", o, 100_000_000L);
        DetectTraining.Ready r = DetectTraining.start(req, () -> Files.createDirectories(run), 2, "test", w -> {}, null);
        try (var task = r.task()) {
            Map<String, Tensor> before = copy(task.network().stateDict());
            assertEquals(2, r.loop().run().iterations());
            JsonNode row = JSON.readTree(Files.readAllLines(run.resolve("metrics.jsonl")).get(0));
            List<String> losses = arch.equals("fast-rcnn") ? List.of("train_loss_classifier", "train_loss_box_reg")
                    : List.of("train_loss_objectness", "train_loss_rpn_box_reg", "train_loss_classifier", "train_loss_box_reg");
            for (String l : losses) assertTrue(Double.isFinite(row.path(l).asDouble(Double.NaN)), l + " in " + row);
            // the steps moved the backbone's first convolution
            String first = before.keySet().stream().filter(k -> k.startsWith("backbone.body.features.0.") && k.endsWith("weight"))
                    .findFirst().orElseThrow();
            float[] w0 = before.get(first).data(), w1 = task.network().stateDict().get(first).data();
            double moved = 0;
            for (int i = 0; i < w0.length; i++) moved += Math.abs(w0[i] - w1[i]);
            assertTrue(moved > 0, "the backbone did not train");

            Map<String, Tensor> saved = SafeTensors.read(run.resolve("last.safetensors")).tensors();
            assertEquals(pyramid, saved.keySet().stream().anyMatch(k -> k.startsWith("backbone.fpn.")), saved.keySet().toString());
            JsonNode cfg = JSON.readTree(SafeTensors.read(run.resolve("last.safetensors")).config());
            assertEquals(backbone, cfg.get("backbone").asText());
            Detector loaded = DetectorFiles.load(run.resolve("last.safetensors"));
            assertEquals(arch, loaded.architecture());
            RgbImage img;
            try (Mat m = ImageDecoder.read(data.resolve("train/000000.jpg"), 1 << 20)) {
                img = RgbImage.fromMat(m);
            }
            DetectParams p = new DetectParams(0.0f, 0.5f, 10);
            List<Detection> got = loaded.detect(img, p);
            assertEquals(task.detector(p).detect(img, p), got);
            assertTrue(!got.isEmpty(), "no detections at confidence 0");
        }
    }

    /** Mask R-CNN's heads expect a ResNet's pyramid: the other backbones are a usage error, not a crash. */
    @Test
    void maskRcnnRefusesTheOtherBackbones(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(2, 0, 64, 3, PHOTOS, 2, 100_000_000L));
        TrainLoop.Options o = new TrainLoop.Options(2, 0.001f, "adamw", 0.05f, 1, 1, 0, 1, 0, 0, 10f);
        InstanceTraining.Request req = new InstanceTraining.Request(data.resolve("train.json"), null, null, null, "vgg16", 64, "hflip", o,
                100_000_000L);
        UserError e = assertThrows(UserError.class, () -> InstanceTraining.start(req, () -> tmp.resolve("run"), 1, "test", w -> {}, null));
        assertTrue(e.getMessage().contains("resnet18"), e.getMessage());
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new java.util.HashMap<>();
        state.forEach((k, v) -> out.put(k, Tensor.of(v.data().clone(), v.shape())));
        return out;
    }
}
