package dev.cvkit.detection.targets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anchors, box coder, box IoU and matcher against torchvision 0.14 (tools/fixtures/detection_targets.py).
 * Anchors, IoUs and matches are exact (the same float32 operations); the box coder's ln and exp
 * are Java's, so encode/decode allow 2 ulp-sized errors (1e-6 relative + 1e-5 absolute).
 */
class TargetsFixtureTest {
    private static SafeTensors.Contents read(String name) throws IOException {
        return SafeTensors.read(Fixtures.path("targets/" + name + ".safetensors"));
    }

    private static JsonNode params(SafeTensors.Contents c) throws IOException {
        return new ObjectMapper().readTree(c.metadata().get("params"));
    }

    private static float[][] floats(JsonNode lists) {
        float[][] out = new float[lists.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[lists.get(i).size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = (float) lists.get(i).get(j).asDouble();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"anchors_fpn3", "anchors_multi"})
    void anchorsEqualTorchvision(String name) throws IOException {
        SafeTensors.Contents c = read(name);
        JsonNode p = params(c);
        AnchorGenerator gen = new AnchorGenerator(floats(p.get("sizes")), floats(p.get("ratios")));
        JsonNode grids = p.get("grids");
        int[] gh = new int[grids.size()], gw = new int[grids.size()];
        for (int l = 0; l < gh.length; l++) {
            gh[l] = grids.get(l).get(0).asInt();
            gw[l] = grids.get(l).get(1).asInt();
        }
        float[] got = gen.anchors(p.get("image").get(0).asInt(), p.get("image").get(1).asInt(), gh, gw);
        assertArrayEquals(c.tensors().get("anchors").data(), got, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"box_coder_rpn", "box_coder_head"})
    void boxCoderMatchesTorchvision(String name) throws IOException {
        SafeTensors.Contents c = read(name);
        JsonNode w = params(c).get("weights");
        BoxCoder coder = new BoxCoder((float) w.get(0).asDouble(), (float) w.get(1).asDouble(),
                (float) w.get(2).asDouble(), (float) w.get(3).asDouble());
        Map<String, Tensor> t = c.tensors();
        float[] boxes = t.get("boxes").data();
        Fixtures.assertClose(t.get("deltas"), coder.encode(t.get("targets").data(), boxes), t.get("deltas").shape(),
                1e-6f, 1e-5f, name + " encode");
        Fixtures.assertClose(t.get("decoded"), coder.decode(t.get("deltas_in").data(), boxes), t.get("decoded").shape(),
                1e-6f, 1e-5f, name + " decode");
        // and decode inverts encode
        float[] back = coder.decode(coder.encode(t.get("targets").data(), boxes), boxes);
        Fixtures.assertClose(t.get("targets"), back, t.get("targets").shape(), 1e-5f, 1e-3f, name + " round trip");
    }

    @ParameterizedTest
    @ValueSource(strings = {"matcher_rpn", "matcher_head", "matcher_low_quality_only"})
    void matcherEqualsTorchvision(String name) throws IOException {
        SafeTensors.Contents c = read(name);
        JsonNode p = params(c);
        Map<String, Tensor> t = c.tensors();
        float[] iou = Matcher.boxIou(t.get("gt").data(), t.get("preds").data());
        assertArrayEquals(t.get("iou").data(), iou, name + " box_iou");
        int g = t.get("gt").size(0), n = t.get("preds").size(0);
        int[] got = new Matcher((float) p.get("high").asDouble(), (float) p.get("low").asDouble(),
                p.get("allow_low_quality").asBoolean()).match(iou, g, n);
        float[] want = t.get("matches").data();
        for (int j = 0; j < n; j++) assertEquals((int) want[j], got[j], name + " prediction " + j);
    }

    @Test
    void invalidInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new BoxCoder(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BoxCoder(1, 1, 1, 1).encode(new float[8], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> new Matcher(0.3f, 0.7f, false));
        assertThrows(IllegalArgumentException.class, () -> new Matcher(0.7f, 0.3f, false).match(new float[0], 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new AnchorGenerator(new float[][] {{32}}, new float[][] {{1}}).anchors(64, 64, new int[] {8, 4}, new int[] {8, 4}));
        assertThrows(IllegalArgumentException.class, () -> new AnchorGenerator(new float[][] {{32}}, new float[][] {{-1}}));
    }
}
