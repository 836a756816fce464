package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {
    @Test
    void listsArchitecturesAsJsonLinesWhenPiped() {
        CliTestSupport.Result r = CliTestSupport.run("models");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"name\":\"resnet18\""));
        assertTrue(r.out().contains("\"name\":\"mobilenet_v2\""));
        assertTrue(r.out().contains("{\"name\":\"meet\",\"task\":\"segment\",\"input\":[3,144,256]"), r.out());
    }

    @Test
    void summaryJsonHasTheIssueShape() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("models", "summary", "lenet5", "--classes", "10", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("lenet5", j.get("name").asText());
        assertEquals(61_706, j.get("params").asLong());
        JsonNode c1 = j.get("layers").get(0);
        assertEquals("c1", c1.get("name").asText());
        assertEquals("Conv2d", c1.get("type").asText());
        assertEquals("[6,28,28]", c1.get("output").toString());
        assertEquals(156, c1.get("params").asLong());
        assertEquals(6L * 28 * 28 * 25, c1.get("macs").asLong());
    }

    /**
     * YOLO-n with 80 classes has Ultralytics' YOLOv8n layout: 3,157,200 parameters there, of
     * which 16 are its fixed DFL projection (cvkit computes the expectation directly); at 160²
     * the head's per-level outputs are 20², 10² and 5². The s and m sizes match likewise.
     */
    @Test
    void yoloSummaryMatchesUltralyticsCountsAndListsEachLevel() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("models", "summary", "yolo-n", "--input", "3x160x160", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(3_157_200 - 16, j.get("params").asLong());
        java.util.Map<String, String> shapes = new java.util.HashMap<>();
        for (JsonNode l : j.get("layers")) shapes.put(l.get("name").asText(), l.get("output").toString());
        int[] side = {20, 10, 5};
        for (int l = 0; l < 3; l++) {
            assertEquals("[64," + side[l] + "," + side[l] + "]", shapes.get("box_head." + l + ".2"), "4 sides × 16 bins");
            assertEquals("[80," + side[l] + "," + side[l] + "]", shapes.get("cls_head." + l + ".2"));
        }
        // the s and m sizes: YOLOv8s 11,166,560 and YOLOv8m 25,902,640 parameters, less the DFL's 16
        long[] expected = {11_166_560 - 16, 25_902_640 - 16};
        String[] names = {"yolo-s", "yolo-m"};
        for (int k = 0; k < 2; k++) {
            r = CliTestSupport.run("models", "summary", names[k], "--input", "3x64x64", "--format", "json");
            assertEquals(0, r.code(), r.err());
            assertEquals(expected[k], new ObjectMapper().readTree(r.out()).get("params").asLong(), names[k]);
        }
        r = CliTestSupport.run("models", "summary", "yolov1-s", "--input", "3x100x100");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --input 3x100x100: YOLO takes 3xSxS with S a multiple of 32"), r.err());
    }

    @Test
    void userMistakesAreOneLine() {
        CliTestSupport.Result r = CliTestSupport.run("models", "summary", "resnet9000");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: unknown architecture 'resnet9000'"), r.err());
        r = CliTestSupport.run("models", "summary", "resnet18", "--input", "3x224");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --input '3x224' is not CxHxW"), r.err());
        assertEquals(1, r.err().strip().lines().count());
    }
}
