package dev.cvkit.detection.rcnnsvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Init;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An R-CNN model file rebuilds the same detector, and a damaged one is refused with the reason. */
class RcnnModelFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DetectParams ALL = new DetectParams(0.001f, 0.3f, 100);

    /** A CNN with random weights and random SVMs and regressors: not trained, but every part is exercised. */
    private static RcnnModel randomModel() {
        Init.seed(5);
        CropNet.Spec spec = new CropNet.Spec(new Warp(24, 2), new int[] {4, 8}, 16);
        CropNet net = new CropNet(spec, 2);
        Random r = new Random(2);
        float[] w = new float[2 * 16], b = {0.1f, -0.2f}, rw = new float[8 * 16], rb = new float[8];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        for (int i = 0; i < rw.length; i++) rw[i] = (float) (0.01 * r.nextGaussian());
        return new RcnnModel(RcnnSvmModelFile.PROPOSALS, spec, net, List.of("a", "b"), List.of(3, 7), new RcnnModel.Svms(0.5f, w, b, new float[] {1.5f, 0.2f, 0.8f, -0.1f}),
                new RcnnModel.Regressors(rw, rb));
    }

    private static RgbImage dog() {
        try (Mat m = ImageDecoder.read(Path.of("samples/dog.jpg"), 100_000_000L)) {
            RgbImage full = RgbImage.fromMat(m);
            // a 96 × 64 corner keeps selective search quick
            byte[] p = new byte[96 * 64 * 3];
            for (int y = 0; y < 64; y++) System.arraycopy(full.rgb(), 3 * y * full.width(), p, 3 * y * 96, 3 * 96);
            return new RgbImage(96, 64, p);
        }
    }

    @Test
    void roundTripGivesTheSameDetections(@TempDir Path tmp) throws IOException {
        RcnnModel m = randomModel();
        Path f = tmp.resolve("rcnn.safetensors");
        RcnnSvmModelFile.save(f, m, RcnnSvmModelFile.config(m, RcnnTraining.MODEL_DEFAULTS, null), "", Map.of(), Map.of());
        Detector loaded = DetectorFiles.load(f);
        assertEquals("rcnn", loaded.architecture());
        assertEquals(List.of(3, 7), loaded.categoryIds());
        assertEquals(RcnnTraining.MODEL_DEFAULTS, loaded.defaults());
        RgbImage img = dog();
        List<Detection> a = new RcnnSvmDetector(m, RcnnTraining.MODEL_DEFAULTS).detect(img, ALL);
        List<Detection> b = loaded.detect(img, ALL);
        assertFalse(a.isEmpty());
        assertEquals(a, b);
        // scores are the SVM margins through the Platt sigmoids, boxes stay inside the image
        for (Detection d : a) {
            assertTrue(d.score() > 0 && d.score() < 1, d.toString());
            assertTrue(d.x() >= 0 && d.y() >= 0 && d.x() + d.w() <= 96 + 1e-3 && d.y() + d.h() <= 64 + 1e-3, d.toString());
        }
    }

    @Test
    void refusesDamagedFiles(@TempDir Path tmp) throws IOException {
        RcnnModel m = randomModel();
        ObjectNode cfg = RcnnSvmModelFile.config(m, RcnnTraining.MODEL_DEFAULTS, null);
        Map<String, Tensor> tensors = RcnnSvmModelFile.tensors(m, "");
        // a missing SVM, a misshapen regressor, an unknown scorer, a warp that does not fit
        Map<String, Tensor> noSvm = new LinkedHashMap<>(tensors);
        noSvm.remove("svm.bias");
        assertBad(tmp, "missing weights: svm.bias", cfg, noSvm);
        Map<String, Tensor> badReg = new LinkedHashMap<>(tensors);
        badReg.put("bbox.bias", Tensor.zeros(7));
        assertBad(tmp, "bbox.bias: shape [7] does not match the model's [8]", cfg, badReg);
        assertBad(tmp, "scorer 'boost'", cfg.deepCopy().put("scorer", "boost"), tensors);
        ObjectNode warp = cfg.deepCopy();
        ((ObjectNode) warp.get("warp")).put("context", 12);
        assertBad(tmp, "warp context 12 does not fit a 24 px crop", warp, tensors);
        Map<String, Tensor> extra = new LinkedHashMap<>(tensors);
        extra.put("head.weight", Tensor.zeros(2));
        assertBad(tmp, "unexpected weights: head.weight", cfg, extra);
    }

    private static void assertBad(Path tmp, String why, ObjectNode cfg, Map<String, Tensor> tensors) throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        SafeTensors.write(f, tensors, Map.of(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(cfg)));
        UserError e = assertThrows(UserError.class, () -> DetectorFiles.load(f));
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("bad model file") && e.getMessage().contains(why), e.getMessage());
    }
}
