package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NanoDet rebuilt from cvkit's layers vs the TF.js graph model executed by TF.js on identical
 * input pixels (fixture by tools/reference/nanodet_reference.js): the raw head outputs of
 * every level — class scores and box-distribution logits within 1e-3 (measured: ~1e-5 at
 * most), and sums over all outputs.
 */
class NanoDetExactnessTest {
    @Test
    void headOutputsMatchTheTfjsGraph() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Models.FIXTURES.resolve("nanodet-reference.json").toFile()).get("images");
        NanoDetDetector det = (NanoDetDetector) Models.get(Architecture.NANODET);
        int ch = NanoDetNet.CLASSES + 4 * NanoDetNet.BINS;
        for (String name : List.of("dog.png", "person.png")) {
            float[] out = det.raw(Models.image(name)).data();
            int cell0 = 0;
            for (JsonNode level : ref.get(name).get("levels")) {
                int cells = level.get("cells").asInt();
                double clsSum = 0, regSum = 0;
                for (int i = 0; i < cells; i++) {
                    for (int k = 0; k < ch; k++) {
                        double v = out[(cell0 + i) * ch + k];
                        if (k < NanoDetNet.CLASSES) {
                            clsSum += v;
                        } else {
                            regSum += v;
                        }
                    }
                }
                assertEquals(level.get("clsSum").asDouble(), clsSum, 1e-3 * Math.max(1, Math.abs(clsSum)) + 0.05, name + " class sum");
                assertEquals(level.get("regSum").asDouble(), regSum, 1e-4 * Math.abs(level.get("regSum").asDouble()) + 1, name + " box sum");
                for (JsonNode top : level.get("top")) {
                    int base = (cell0 + top.get("cell").asInt()) * ch;
                    for (int k = 0; k < NanoDetNet.CLASSES; k++) {
                        assertEquals(top.get("cls").get(k).asDouble(), out[base + k], 1e-3, name + " cell " + top.get("cell") + " class " + k);
                    }
                    for (int k = 0; k < 4 * NanoDetNet.BINS; k++) {
                        assertEquals(top.get("reg").get(k).asDouble(), out[base + NanoDetNet.CLASSES + k], 1e-3, name + " cell " + top.get("cell") + " reg " + k);
                    }
                }
                for (JsonNode s : level.get("strided")) {
                    int base = (cell0 + s.get("cell").asInt()) * ch;
                    double max = 0, sum = 0;
                    int arg = -1;
                    for (int k = 0; k < NanoDetNet.CLASSES; k++) {
                        sum += out[base + k];
                        if (out[base + k] > max) {
                            max = out[base + k];
                            arg = k;
                        }
                    }
                    assertEquals(s.get("clsMax").asDouble(), max, 1e-3, name + " cell " + s.get("cell") + " max class score");
                    assertEquals(s.get("clsSum").asDouble(), sum, 1e-2, name + " cell " + s.get("cell") + " class score sum");
                    if (max > 0.01) {
                        assertEquals(s.get("clsArgmax").asInt(), arg, name + " cell " + s.get("cell") + " best class");
                    }
                    for (int k = 0; k < 4 * NanoDetNet.BINS; k++) {
                        assertEquals(s.get("reg").get(k).asDouble(), out[base + NanoDetNet.CLASSES + k], 1e-3, name + " cell " + s.get("cell") + " reg " + k);
                    }
                }
                cell0 += cells;
            }
            assertEquals(out.length, cell0 * ch);
        }
    }
}
