package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.ExitCodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** detect --agnostic and --imgsz with the bundled detectors (CenterNet, the default, and NanoDet) on samples/person.jpg. */
class DetectOptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({"nanodet, person horse dog", "centernet, person dog horse"})
    void agnosticKeepsOneBoxPerObject(String model, String kept) throws IOException {
        // per class, both call the horse "horse" and "cow" on one box (NanoDet 0.56 / 0.49, CenterNet 0.36 / 0.34)
        List<JsonNode> perClass = detections("samples/person.jpg", "--model", model);
        List<JsonNode> agnostic = detections("samples/person.jpg", "--model", model, "--agnostic");
        assertTrue(labels(perClass).contains("cow"), perClass.toString());
        assertEquals(perClass.size() - 1, agnostic.size(), agnostic.toString());
        assertEquals(List.of(kept.split(" ")), labels(agnostic));
        for (int i = 0; i < agnostic.size(); i++) {
            for (int j = 0; j < i; j++) {
                assertTrue(iou(agnostic.get(i), agnostic.get(j)) <= 0.6, "no two boxes overlap above the NMS IoU");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"nanodet, 416, 320", "centernet, 512, 384"})
    void imgszIsTheNetworksInputSide(String model, String own, String other) throws IOException {
        var base = CliTestSupport.run("detect", "samples/person.jpg", "--model", model, "--format", "jsonl", "-q");
        var same = CliTestSupport.run("detect", "samples/person.jpg", "--model", model, "--format", "jsonl", "-q", "--imgsz", own);
        assertEquals(base.out(), same.out(), own + " is " + model + "'s own size");
        List<JsonNode> small = detections("samples/person.jpg", "--model", model, "--imgsz", other);
        assertNotEquals(detections("samples/person.jpg", "--model", model), small);
        assertTrue(labels(small).contains("horse"), small.toString()); // still a working detector at the other size
    }

    @Test
    void imgszIsCheckedAndTheDefaultIsCenterNet() throws IOException {
        var base = CliTestSupport.run("detect", "samples/person.jpg", "--format", "jsonl", "-q");
        var centernet = CliTestSupport.run("detect", "samples/person.jpg", "--model", "centernet", "--format", "jsonl", "-q");
        assertEquals(centernet.out(), base.out(), "the default detector");
        var bad = CliTestSupport.run("detect", "samples/person.jpg", "--imgsz", "100");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("imgsz must be a multiple of 32"), bad.err());
        var fixed = CliTestSupport.run("detect", "--model", "face", "samples/person.jpg", "--imgsz", "320");
        assertEquals(ExitCodes.USAGE, fixed.code());
        assertEquals("cvkit: --imgsz: face runs at its fixed input size only", fixed.err().strip());
    }

    private static List<JsonNode> detections(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("detect", "--format", "jsonl", "-q"));
        all.addAll(List.of(args));
        var r = CliTestSupport.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.out()).get("detections").forEach(out::add);
        return out;
    }

    private static List<String> labels(List<JsonNode> ds) {
        return ds.stream().map(d -> d.get("label").asText()).toList();
    }

    private static double iou(JsonNode a, JsonNode b) {
        double ax = a.get("bbox").get(0).asDouble(), ay = a.get("bbox").get(1).asDouble();
        double aw = a.get("bbox").get(2).asDouble(), ah = a.get("bbox").get(3).asDouble();
        double bx = b.get("bbox").get(0).asDouble(), by = b.get("bbox").get(1).asDouble();
        double bw = b.get("bbox").get(2).asDouble(), bh = b.get("bbox").get(3).asDouble();
        double iw = Math.max(0, Math.min(ax + aw, bx + bw) - Math.max(ax, bx));
        double ih = Math.max(0, Math.min(ay + ah, by + bh) - Math.max(ay, by));
        return iw * ih / (aw * ah + bw * bh - iw * ih);
    }
}
