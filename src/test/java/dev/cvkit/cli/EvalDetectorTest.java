package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvkit eval --model DETECTOR --data COCO.json}: against the two-step detect + eval pipeline and the TF.js reference. */
class EvalDetectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GT = "samples/gt.json";

    @TempDir
    Path tmp;

    /** The same 12 stats as `cvkit detect --conf 0.05 --coco d.json --gt GT` then `cvkit eval --gt GT --dt d.json`. */
    @Test
    void nanoDetOnTheSamplesEqualsDetectThenEval() throws Exception {
        List<String> detect = new ArrayList<>(List.of("detect", "--model", "nanodet", "--conf", "0.05", "--coco", tmp.resolve("d.json").toString(), "--gt", GT,
                "--format", "jsonl", "-q"));
        for (JsonNode im : JSON.readTree(Path.of(GT).toFile()).get("images")) {
            detect.add("samples/" + im.get("file_name").asText());
        }
        var d = CliTestSupport.run(detect.toArray(String[]::new));
        assertEquals(0, d.code(), d.err());
        var twoStep = CliTestSupport.run("eval", "--gt", GT, "--dt", tmp.resolve("d.json").toString(), "--format", "json", "-q");
        assertEquals(0, twoStep.code(), twoStep.err());

        var oneStep = CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--format", "json", "-q", "--per-class");
        assertEquals(0, oneStep.code(), oneStep.err());
        assertEquals("", oneStep.err());
        JsonNode want = JSON.readTree(twoStep.out()).get("stats"), got = JSON.readTree(oneStep.out()).get("stats");
        assertEquals(12, want.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(want.get(i).asDouble(), got.get(i).asDouble(), 0.0, "stat " + i);
        }
        assertTrue(got.get(0).asDouble() > 0.5, got.toString()); // a working detector, not an empty comparison
        assertTrue(JSON.readTree(oneStep.out()).has("per_class") || oneStep.out().contains("person"), oneStep.out());

        // text output is pycocotools' summary, and the gate works on these stats
        var text = CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--min", "AP50=0.99", "--plots", tmp.resolve("pr").toString());
        assertEquals(3, text.code(), text.err());
        assertTrue(text.out().startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = "), text.out());
        assertTrue(text.err().contains("cvkit: gate failed: AP50 = "), text.err());
        assertTrue(text.err().contains("eval: bbox, nanodet on 6 images, 8 of its 80 classes are categories, conf 0.05"), text.err());
        try (var s = Files.list(tmp.resolve("pr"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".png")));
        }
        assertTrue(Files.size(tmp.resolve("pr/confusion_matrix.png")) > 1000);

        // the per-class table as Ultralytics users read it: images, instances, P, R, AP50, AP
        JsonNode perClass = JSON.readTree(oneStep.out()).get("per_class");
        int horses = 0;
        for (JsonNode a : JSON.readTree(Path.of(GT).toFile()).get("annotations")) {
            horses += a.get("category_id").asInt() == 19 ? 1 : 0;
        }
        for (JsonNode c : perClass) {
            if (c.get("name").asText().equals("horse")) {
                assertEquals(horses, c.get("instances").asInt());
                assertTrue(c.get("P").asDouble() > 0 && c.get("R").asDouble() > 0, c.toString());
            }
        }
    }

    /**
     * The face SSD on the exactness fixtures, with ground truth = the original TF.js runtime's own
     * detections (score ≥ 0.5) as category "face": cvkit reproduces them within 0.5 px, so every
     * face is found at IoU ≥ 0.95 ahead of any false positive: AP = 1. An undecodable image is one
     * error line and exit 1; the rest is still evaluated.
     */
    @Test
    void faceModelAgainstTheTfjsReferenceAndABrokenImage() throws Exception {
        Path fixtures = Path.of("src/test/resources/fixtures/detect");
        JsonNode ref = JSON.readTree(fixtures.resolve("faceapi-reference.json").toFile()).get("images");
        ObjectNode gt = JSON.createObjectNode();
        ArrayNode images = gt.putArray("images"), anns = gt.putArray("annotations");
        gt.putArray("categories").addObject().put("id", 7).put("name", "face");
        int id = 0, faces = 0;
        for (var it = ref.fields(); it.hasNext(); ) {
            var e = it.next();
            Files.copy(fixtures.resolve(e.getKey()), tmp.resolve(e.getKey()));
            images.addObject().put("id", ++id).put("file_name", e.getKey());
            for (JsonNode det : e.getValue().get("ssd").get("detections")) {
                if (det.get("score").asDouble() >= 0.5) {
                    JsonNode b = det.get("bbox");
                    anns.addObject().put("id", ++faces).put("image_id", id).put("category_id", 7).put("iscrowd", 0)
                            .put("area", b.get(2).asDouble() * b.get(3).asDouble()).set("bbox", b);
                }
            }
        }
        assertTrue(faces >= 1);
        Files.writeString(tmp.resolve("broken.png"), "not a png");
        images.addObject().put("id", ++id).put("file_name", "broken.png");
        Path data = tmp.resolve("ann").resolve("faces.json");
        Files.createDirectories(data.getParent());
        Files.write(data, JSON.writeValueAsBytes(gt));

        var r = CliTestSupport.run("eval", "--model", "face", "--data", data.toString(), "--images", tmp.toString(), "--format", "json");
        assertEquals(1, r.code(), r.err());
        JsonNode stats = JSON.readTree(r.out()).get("stats");
        assertEquals(1.0, stats.get(0).asDouble(), 1e-12, r.out()); // AP@[.5:.95]
        assertEquals(1.0, stats.get(1).asDouble(), 1e-12);
        assertTrue(r.err().contains("cvkit: " + tmp.resolve("broken.png") + ": "), r.err());
        assertTrue(r.err().contains("1 of " + id + " images failed"), r.err());

        // without --images, file names are relative to the dataset's folder (here: nothing there)
        var missing = CliTestSupport.run("eval", "--model", "face", "--data", data.toString(), "-q");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains(data.getParent().resolve("astronaut.png").toString()), missing.err());
    }

    @Test
    void usageErrors() throws Exception {
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet"), "--model needs --data D");
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--split", "test"), "--split is for classifiers");
        assertUsage(CliTestSupport.run("eval", "--model", "face", "--data", GT), "no category is named like a class of the model (face)");
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--images", tmp.resolve("nope").toString()), "no such folder (--images)");
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--iou-type", "segm"), "--iou-type must be bbox");
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--conf", "1.5"), "'--conf': must be between 0 and 1");
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet", "--data", tmp.resolve("none.json").toString()), "no such file (--data)");
        assertUsage(CliTestSupport.run("eval", "--model", tmp.resolve("x.safetensors").toString(), "--data", GT), "no such model file");
        assertUsage(CliTestSupport.run("eval", "--model", "models/lenet5-mnist.safetensors", "--data", GT, "--conf", "0.1"),
                "--conf is for detectors");
        assertUsage(CliTestSupport.run("eval", "--gt", GT, "--dt", GT, "--images", "samples"), "--images, --conf, --iou and --max-det go with");
        assertUsage(CliTestSupport.run("eval", "--model", "nanodet", "--data", GT, "--min", "top1=0.5"), "--min: unknown stat 'top1'");
    }

    private static void assertUsage(CliTestSupport.Result r, String message) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("cvkit: ") && r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
