package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CenterNet rebuilt from cvkit's layers vs the TF.js graph model executed by TF.js on identical
 * input pixels (fixture by tools/reference/centernet_reference.js): the class heatmap and the
 * box distances at the best and at every 97th cell and their sums, and the graph's own decoding
 * (tower_0/detections: the 100 best 3×3 peaks as boxes) against {@link CenterNetDetector#peaks}.
 */
class CenterNetExactnessTest {
    private static final int CH = CenterNetNet.OUTPUTS;

    private static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(Models.FIXTURES.resolve("centernet-reference.json").toFile()).get("images");
    }

    /** The reference's input: the image stretched to 512² by tf.js bilinear resize, RGB 0..255 (as @vladmandic/human feeds it). */
    private static Tensor stretched(RgbImage img) {
        int s = CenterNetNet.INPUT;
        return TfOps.hwcToNchw(TfOps.resizeBilinear(TfOps.toFloat(img), img.height(), img.width(), 3, s, s), s, s, 3);
    }

    @Test
    void heatmapAndDistancesMatchTheTfjsGraph() throws IOException {
        JsonNode ref = reference();
        CenterNetDetector det = (CenterNetDetector) Models.get(Architecture.CENTERNET);
        for (String name : List.of("dog.png", "person.png")) {
            JsonNode r = ref.get(name);
            float[] out = det.raw(stretched(Models.image(name))).data();
            int cells = r.get("cells").asInt();
            assertEquals(cells * CH, out.length);
            double clsSum = 0, whSum = 0;
            for (int i = 0; i < cells; i++) {
                for (int k = 0; k < CH; k++) {
                    if (k < CenterNetNet.CLASSES) {
                        clsSum += out[i * CH + k];
                    } else {
                        whSum += out[i * CH + k];
                    }
                }
            }
            assertEquals(r.get("clsSum").asDouble(), clsSum, 1e-4 * Math.abs(r.get("clsSum").asDouble()), name + " class sum");
            assertEquals(r.get("whSum").asDouble(), whSum, 1e-4 * Math.abs(r.get("whSum").asDouble()), name + " distance sum");
            for (JsonNode top : r.get("top")) {
                int base = top.get("cell").asInt() * CH;
                for (int k = 0; k < CenterNetNet.CLASSES; k++) {
                    assertEquals(top.get("cls").get(k).asDouble(), out[base + k], 1e-4, name + " cell " + top.get("cell") + " class " + k);
                }
                for (int k = 0; k < 4; k++) {
                    assertEquals(top.get("wh").get(k).asDouble(), out[base + CenterNetNet.CLASSES + k], 1e-2, name + " cell " + top.get("cell") + " side " + k);
                }
            }
            for (JsonNode s : r.get("strided")) {
                int base = s.get("cell").asInt() * CH;
                double max = 0, sum = 0;
                int arg = -1;
                for (int k = 0; k < CenterNetNet.CLASSES; k++) {
                    sum += out[base + k];
                    if (out[base + k] > max) {
                        max = out[base + k];
                        arg = k;
                    }
                }
                assertEquals(s.get("clsMax").asDouble(), max, 1e-4, name + " cell " + s.get("cell") + " max class score");
                assertEquals(s.get("clsSum").asDouble(), sum, 1e-3, name + " cell " + s.get("cell") + " class score sum");
                if (max > 0.01) {
                    assertEquals(s.get("clsArgmax").asInt(), arg, name + " cell " + s.get("cell") + " best class");
                }
                for (int k = 0; k < 4; k++) {
                    assertEquals(s.get("wh").get(k).asDouble(), out[base + CenterNetNet.CLASSES + k], 1e-2, name + " cell " + s.get("cell") + " side " + k);
                }
            }
        }
    }

    /**
     * The graph's detections output, peak by peak: the same class and cell order, scores within
     * 1e-4 and box corners within 0.01 px. Where two peaks' scores differ by less than the
     * tolerance their order may swap; none does on these images (checked by the assertion).
     */
    @Test
    void peaksMatchTheGraphsDetections() throws IOException {
        JsonNode ref = reference();
        CenterNetDetector det = (CenterNetDetector) Models.get(Architecture.CENTERNET);
        for (String name : List.of("dog.png", "person.png")) {
            float[] out = det.raw(stretched(Models.image(name))).data();
            List<int[]> peaks = CenterNetDetector.peaks(out, CenterNetNet.INPUT, 0f);
            JsonNode dets = ref.get(name).get("detections");
            assertEquals(CenterNetDetector.TOP_K, dets.size());
            assertEquals(CenterNetDetector.TOP_K, peaks.size());
            float[] box = new float[4];
            for (int i = 0; i < dets.size(); i++) {
                JsonNode d = dets.get(i);
                int[] p = peaks.get(i);
                assertEquals(d.get(5).asInt(), p[1], name + " detection " + i + " class");
                assertEquals(d.get(4).asDouble(), out[p[0] * CH + p[1]], 1e-4, name + " detection " + i + " score");
                CenterNetDetector.box(out, CenterNetNet.INPUT, p[0], box, 0);
                for (int j = 0; j < 4; j++) {
                    assertEquals(d.get(j).asDouble(), box[j], 1e-2, name + " detection " + i + " corner " + j);
                }
            }
            assertTrue(dets.get(0).get(4).asDouble() > 0.3, name + ": the reference finds an object");
        }
    }
}
