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

/** detect --agnostic and --imgsz with the bundled NanoDet on samples/person.jpg. */
class DetectOptionsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void agnosticKeepsOneBoxPerObject() throws IOException {
        // per class, NanoDet calls the horse both "horse 0.56" and "cow 0.49" on one box
        List<JsonNode> perClass = detections("samples/person.jpg");
        List<JsonNode> agnostic = detections("samples/person.jpg", "--agnostic");
        assertTrue(labels(perClass).contains("cow"), perClass.toString());
        assertEquals(perClass.size() - 1, agnostic.size(), agnostic.toString());
        assertEquals(List.of("person", "horse", "dog"), labels(agnostic));
        for (int i = 0; i < agnostic.size(); i++) {
            for (int j = 0; j < i; j++) {
                assertTrue(iou(agnostic.get(i), agnostic.get(j)) <= 0.6, "no two boxes overlap above the NMS IoU");
            }
        }
    }

    @Test
    void imgszIsTheNetworksInputSide() throws IOException {
        var base = CliTestSupport.run("detect", "samples/person.jpg", "--format", "jsonl", "-q");
        var same = CliTestSupport.run("detect", "samples/person.jpg", "--format", "jsonl", "-q", "--imgsz", "416");
        assertEquals(base.out(), same.out(), "416 is NanoDet's own size");
        List<JsonNode> small = detections("samples/person.jpg", "--imgsz", "320");
        assertNotEquals(detections("samples/person.jpg"), small);
        assertTrue(labels(small).contains("horse"), small.toString()); // still a working detector at 320
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
