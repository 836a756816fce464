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

    /**
     * A model file's table is its network's at the size it was trained for: the parameters are
     * the file's tensors less BatchNorm's running statistics, the per-map heads of the SSD show
     * the maps of a 96² input (12², 6², 3², 2², 1²).
     */
    @Test
    void summaryOfAModelFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        dev.cvkit.detection.training.TrainableDetector det = dev.cvkit.detection.training.DetectorSummary.create("ssd", "mobilenet_v2", null, 2, 96);
        com.fasterxml.jackson.databind.node.ObjectNode cfg = det.config();
        cfg.put("task", "detect");
        cfg.putArray("classes").add("cat").add("dog");
        cfg.putArray("category_ids").add(1).add(2);
        java.nio.file.Path file = tmp.resolve("best.safetensors");
        java.util.Map<String, dev.cvkit.tensor.Tensor> tensors = det.network().stateDict();
        dev.cvkit.io.SafeTensors.write(file, tensors, java.util.Map.of("config", new ObjectMapper().writeValueAsString(cfg)));

        CliTestSupport.Result r = CliTestSupport.run("models", "summary", file.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        long expected = tensors.entrySet().stream().filter(e -> !e.getKey().endsWith("running_mean") && !e.getKey().endsWith("running_var")
                && !e.getKey().endsWith("num_batches_tracked")).mapToLong(e -> e.getValue().numel()).sum();
        assertEquals(expected, j.get("params").asLong());
        assertEquals("[3,96,96]", j.get("input").toString());
        java.util.List<String> reg = new java.util.ArrayList<>();
        for (JsonNode l : j.get("layers")) if (l.get("name").asText().startsWith("head.regression_head.")) reg.add(l.get("output").toString());
        assertEquals(java.util.List.of("[16,12,12]", "[24,6,6]", "[24,3,3]", "[16,2,2]", "[16,1,1]"), reg);

        r = CliTestSupport.run("models", "summary", file.toString(), "--input", "3x64x64");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: " + file + ": a model file has its own input size"), r.err());
        java.nio.file.Files.writeString(tmp.resolve("junk.safetensors"), "not a model");
        r = CliTestSupport.run("models", "summary", tmp.resolve("junk.safetensors").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void detectorFamiliesAreSummarised() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("models", "summary", "retinanet", "--input", "3x64x96", "--classes", "4", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        java.util.List<String> logits = new java.util.ArrayList<>();
        for (JsonNode l : j.get("layers")) if (l.get("name").asText().equals("head.classification_head.cls_logits")) logits.add(l.get("output").toString());
        // P3-P7 of a 64x96 image: strides 8, 16, 32, 64, 128 (each level halving, rounding up); 9 anchors x 4 classes
        assertEquals(java.util.List.of("[36,8,12]", "[36,4,6]", "[36,2,3]", "[36,1,2]", "[36,1,1]"), logits);
        r = CliTestSupport.run("models", "summary", "faster-rcnn", "--input", "3x64x64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("ran once per region of this (black) image"), r.err());
        r = CliTestSupport.run("models", "summary", "ssd", "--backbone", "resnet9");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --backbone resnet9 is not one of ssd's (resnet18"), r.err());
        r = CliTestSupport.run("models", "summary", "resnet18", "--backbone", "vgg16");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --backbone is for detector families"), r.err());
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
