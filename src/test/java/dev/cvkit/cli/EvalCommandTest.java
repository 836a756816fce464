package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvkit eval} in-process: outputs against pycocotools' numbers, gates, and every bad input. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CASE = fixture("case-small");
    static final String GT = CASE.resolve("gt.json").toString();
    static final String DT = CASE.resolve("dt_bbox.json").toString();

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(EvalCommandTest.class.getResource("/fixtures/coco/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode expected(int run) throws IOException {
        return JSON.readTree(CASE.resolve("expected.json").toFile()).get("runs").get(run);
    }

    @Test
    void textIsPycocotoolsSummary() throws IOException {
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "-q");
        assertEquals(0, r.code(), r.err());
        StringBuilder want = new StringBuilder();
        for (JsonNode line : expected(0).get("summary")) {
            want.append(line.asText()).append('\n');
        }
        assertEquals(want.toString(), r.out());
        assertEquals("", r.err());
    }

    @Test
    void segmTextToo() throws IOException {
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", CASE.resolve("dt_segm.json").toString(), "--iou-type", "segm", "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(expected(1).get("summary").get(0).asText(), r.out().lines().findFirst().orElseThrow());
    }

    @Test
    void jsonWithPerClass() throws IOException {
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "--format", "json", "--per-class", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        JsonNode out = JSON.readTree(r.out());
        JsonNode exp = expected(0);
        assertArrayEquals(doubles(exp.get("stats")), doubles(out.get("stats")), 1e-12);
        List<String> names = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");
        for (int i = 0; i < 12; i++) {
            assertEquals(exp.get("stats").get(i).asDouble(), out.get("stats_named").get(names.get(i)).asDouble(), 1e-12);
        }
        assertEquals(6, out.get("per_class").size());
        for (JsonNode c : out.get("per_class")) {
            JsonNode e = exp.get("per_category").get(c.get("id").asText());
            assertEquals(e.get("AP").asDouble(), c.get("AP").asDouble(), 1e-12);
            assertEquals(e.get("AP50").asDouble(), c.get("AP50").asDouble(), 1e-12);
            assertEquals(e.get("AP75").asDouble(), c.get("AP75").asDouble(), 1e-12);
            assertEquals(e.get("AR").asDouble(), c.get("AR100").asDouble(), 1e-12);
        }
        assertTrue(r.err().startsWith("eval: bbox, 24 images, 6 categories, 102 ground truth, 292 results"), r.err());
    }

    @Test
    void gatesExitThreeWhenMissed() throws IOException {
        double ap = expected(0).get("stats").get(0).asDouble();
        var pass = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "-q", "--min", "AP=" + (ap - 0.01) + ",ap50=0.5");
        assertEquals(0, pass.code(), pass.err());
        var fail = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "-q", "--min", "AP=" + (ap + 0.01));
        assertEquals(3, fail.code());
        assertTrue(fail.err().startsWith("cvkit: gate failed: AP = "), fail.err());
        assertTrue(fail.out().contains("Average Precision"), "results are still printed");
        var bad = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "--min", "mAP=0.3");
        assertEquals(2, bad.code());
        assertOneLine(bad.err(), "unknown stat 'mAP'");
    }

    @Test
    void jsonLinesFromCvkitCommandsGiveTheSameNumbers() throws IOException {
        // Regroup the COCO results per image as cvkit's commands write them, with paths that only
        // match by base name and a label instead of category_id on every other detection.
        JsonNode gt = JSON.readTree(Path.of(GT).toFile());
        Map<Long, JsonNode> images = new LinkedHashMap<>();
        for (JsonNode img : gt.get("images")) {
            images.put(img.get("id").asLong(), img);
        }
        Map<Long, String> names = new LinkedHashMap<>();
        for (JsonNode c : gt.get("categories")) {
            names.put(c.get("id").asLong(), c.get("name").asText());
        }
        Map<Long, ArrayNode> perImage = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode d : JSON.readTree(Path.of(DT).toFile())) {
            ObjectNode det = JSON.createObjectNode();
            det.set("bbox", d.get("bbox"));
            det.set("score", d.get("score"));
            long cat = d.get("category_id").asLong();
            if (n++ % 2 == 0) {
                det.put("category_id", cat);
            }
            det.put("label", names.get(cat));
            perImage.computeIfAbsent(d.get("image_id").asLong(), k -> JSON.createArrayNode()).add(det);
        }
        StringBuilder jsonl = new StringBuilder();
        for (Map.Entry<Long, ArrayNode> e : perImage.entrySet()) {
            JsonNode img = images.get(e.getKey());
            ObjectNode line = JSON.createObjectNode();
            line.put("file", "/data/photos/" + img.get("file_name").asText());
            line.put("width", img.get("width").asInt());
            line.put("height", img.get("height").asInt());
            line.set("detections", e.getValue());
            jsonl.append(JSON.writeValueAsString(line)).append('\n');
        }
        Path f = tmp.resolve("det.jsonl");
        Files.writeString(f, jsonl);
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", f.toString(), "--format", "json", "-q");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(doubles(expected(0).get("stats")), doubles(JSON.readTree(r.out()).get("stats")), 1e-12);
    }

    @Test
    void emptyResultsScoreZero() throws IOException {
        Path f = write("empty.json", "[]");
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", f.toString(), "--format", "json", "-q");
        assertEquals(0, r.code(), r.err());
        // No detections: precision and recall are 0 wherever there is ground truth.
        for (JsonNode v : JSON.readTree(r.out()).get("stats")) {
            assertEquals(0.0, v.asDouble());
        }
    }

    @Test
    void plotsArePngFiles() throws IOException {
        Path dir = tmp.resolve("plots");
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "-q", "--plots", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertEquals(8, files.size(), files.toString()); // overall + 6 categories + the confusion matrix
        assertTrue(Files.exists(dir.resolve("pr_all.png")));
        assertTrue(Files.exists(dir.resolve("confusion_matrix.png")));
        assertTrue(Files.exists(dir.resolve("pr_13_bottle.png")));
        for (Path p : files) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(p), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, p.toString());
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void syntaxErrorNamesLineAndColumn() throws IOException {
        Path f = write("bad.json", "[\n {\"image_id\": 274, \"category_id\": 1,\n  \"bbox\": [1, 2, 3 4], \"score\": 0.5}\n]");
        expectError(f, 1, f + ": invalid JSON at line 3, column 20");
    }

    @Test
    void unknownImageIdWithStrict() throws IOException {
        expectError(result("{\"image_id\": 999999, \"category_id\": 1, \"bbox\": [1,2,3,4], \"score\": 0.5}"), 1,
                "image_id 999999 is not in the ground truth", "--strict");
    }

    @Test
    void unknownCategoryIdWithStrict() throws IOException {
        expectError(result("{\"image_id\": 274, \"category_id\": 4, \"bbox\": [1,2,3,4], \"score\": 0.5}"), 1,
                "category_id 4 is not in the ground truth", "--strict");
    }

    /**
     * Ordinary detector output holds other images and other classes: as pycocotools, evaluate the
     * ground truth's categories and images only, with one counted warning line for each kind left out.
     */
    @Test
    void resultsForUnknownImagesAndCategoriesAreLeftOut() throws IOException {
        ArrayNode all = (ArrayNode) JSON.readTree(Path.of(DT).toFile());
        int kept = all.size();
        ArrayNode mixed = JSON.createArrayNode();
        mixed.add(JSON.readTree("{\"image_id\": 999999, \"category_id\": 1, \"bbox\": [1,2,3,4], \"score\": 0.99}"));
        for (int i = 0; i < all.size(); i++) {
            mixed.add(all.get(i));
            if (i % 7 == 0) { // a class the ground truth lacks, on a known image, with a top score
                mixed.add(JSON.readTree("{\"image_id\": " + all.get(i).get("image_id") + ", \"category_id\": 4, \"bbox\": [1,2,30,40], \"score\": 0.98}"));
            }
        }
        mixed.add(JSON.readTree("{\"image_id\": 999999, \"category_id\": 4, \"bbox\": [1,2,3,4], \"score\": 0.5}"));
        mixed.add(JSON.readTree("{\"image_id\": 888888, \"category_id\": 1, \"bbox\": [1,2,3,4], \"score\": 0.5}"));
        int foreignClass = mixed.size() - kept - 3;
        Path f = write("mixed.json", JSON.writeValueAsString(mixed));

        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", f.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(doubles(expected(0).get("stats")), doubles(JSON.readTree(r.out()).get("stats")), 1e-12);
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("cvkit: warning: ")).toList();
        assertEquals(2, warnings.size(), r.err());
        assertTrue(warnings.get(0).contains(f + ": 2 images not in " + GT + " (3 results): image_id 999999, image_id 888888"), warnings.get(0));
        assertTrue(warnings.get(1).contains(f + ": " + foreignClass + " results of 1 category not in " + GT + ": category_id 4"), warnings.get(1));

        var quiet = CliTestSupport.run("eval", "--gt", GT, "--dt", f.toString(), "-q");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err());

        var strict = CliTestSupport.run("eval", "--gt", GT, "--dt", f.toString(), "--strict");
        assertEquals(1, strict.code());
        assertOneLine(strict.err(), f + ": line 1: result: image_id 999999 is not in the ground truth");
    }

    @Test
    void jsonLinesOfOtherImagesAndClassesAreLeftOut() throws IOException {
        String known = "{\"file\":\"x/" + fileNameOf(274) + "\",\"detections\":[{\"bbox\":[1,2,3,4],\"score\":0.5,\"label\":\"no such class\"}]}\n";
        Path f = write("x.jsonl", "{\"file\":\"nowhere/unknown.jpg\",\"width\":5,\"height\":5,\"detections\":[]}\n" + known);
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("cvkit: warning: " + f + ": 1 image not in " + GT + " (0 results): nowhere/unknown.jpg"), r.err());
        assertTrue(r.err().contains("cvkit: warning: " + f + ": 1 result of 1 category not in " + GT + ": 'no such class'"), r.err());
    }

    @Test
    void negativeBoxSize() throws IOException {
        expectError(result("{\"image_id\": 274, \"category_id\": 1, \"bbox\": [1,2,-3,4], \"score\": 0.5}"), 1,
                "'bbox' has a negative width or height");
    }

    @Test
    void nanBoxAndScore() throws IOException {
        expectError(result("{\"image_id\": 274, \"category_id\": 1, \"bbox\": [1,2,NaN,4], \"score\": 0.5}"), 1,
                "'bbox' has a non-finite value");
        expectError(result("{\"image_id\": 274, \"category_id\": 1, \"bbox\": [1,2,3,4], \"score\": NaN}"), 1,
                "'score' must be a finite number");
    }

    @Test
    void segmWithoutMasks() throws IOException {
        var r = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "--iou-type", "segm");
        assertEquals(1, r.code());
        assertOneLine(r.err(), DT + ": no result has a 'segmentation' (needed for --iou-type segm)");
        Path gt = write("gt.json", "{\"images\":[{\"id\":1,\"width\":10,\"height\":10}],\"categories\":[{\"id\":1,\"name\":\"a\"}],"
                + "\"annotations\":[{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[1,1,2,2],\"area\":4,\"iscrowd\":0}]}");
        Path dt = write("dt.json", "[{\"image_id\":1,\"category_id\":1,\"segmentation\":[[1,1,3,1,3,3]],\"score\":0.5}]");
        var r2 = CliTestSupport.run("eval", "--gt", gt.toString(), "--dt", dt.toString(), "--iou-type", "segm");
        assertEquals(1, r2.code());
        assertOneLine(r2.err(), gt + ": annotation id 1 (line 1): no 'segmentation' (needed for --iou-type segm)");
    }

    @Test
    void annotationIdZero() throws IOException {
        Path gt = write("gt0.json", "{\"images\":[{\"id\":1,\"width\":10,\"height\":10}],\"categories\":[{\"id\":1}],\n"
                + "\"annotations\":[{\"id\":0,\"image_id\":1,\"category_id\":1,\"bbox\":[1,1,2,2],\"area\":4}]}");
        var r = CliTestSupport.run("eval", "--gt", gt.toString(), "--dt", DT);
        assertEquals(1, r.code());
        assertOneLine(r.err(), gt + ": annotation id 0 (line 2): annotation id 0 is not allowed");
    }

    @Test
    void rleSizeMustMatchImage() throws IOException {
        expectError(result("{\"image_id\": 274, \"category_id\": 1, \"segmentation\": {\"size\": [10, 10], \"counts\": [100]}, \"score\": 0.5}"), 1,
                "RLE size [10, 10] differs from image 274 (height 302, width 527)");
    }

    @Test
    void invalidCompressedRle() throws IOException {
        expectError(result("{\"image_id\": 274, \"category_id\": 1, \"segmentation\": {\"size\": [302, 527], \"counts\": \"0zz\"}, \"score\": 0.5}"), 1,
                "RLE 'counts': compressed RLE string has an invalid character 'z' at 1");
    }

    @Test
    void jsonLinesWithUnknownFileWithStrict() throws IOException {
        Path f = write("x.jsonl", "{\"file\":\"nowhere/unknown.jpg\",\"width\":5,\"height\":5,\"detections\":[]}\n");
        expectError(f, 1, "'nowhere/unknown.jpg': no image with this file_name in the ground truth", "--strict");
    }

    @Test
    void groundTruthMustBeAnObject() throws IOException {
        Path gt = write("arr.json", "[]");
        var r = CliTestSupport.run("eval", "--gt", gt.toString(), "--dt", DT);
        assertEquals(1, r.code());
        assertOneLine(r.err(), gt + ": line 1, column 1: a COCO ground-truth file must be a JSON object");
    }

    @Test
    void usageErrors() {
        var none = CliTestSupport.run("eval");
        assertEquals(2, none.code());
        assertOneLine(none.err(), "nothing to evaluate: give --gt GT.json --dt RESULTS");
        var gtOnly = CliTestSupport.run("eval", "--gt", GT);
        assertEquals(2, gtOnly.code());
        assertOneLine(gtOnly.err(), "--gt needs --dt RESULTS");
        var missing = CliTestSupport.run("eval", "--gt", GT, "--dt", tmp.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertOneLine(missing.err(), "nope.json: no such file (--dt)");
        var fmt = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "--format", "csv");
        assertEquals(2, fmt.code());
        assertOneLine(fmt.err(), "--format must be text or json");
        var md = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "--max-dets", "1,10");
        assertEquals(2, md.code());
        assertOneLine(md.err(), "--max-dets takes three numbers");
        var type = CliTestSupport.run("eval", "--gt", GT, "--dt", DT, "--iou-type", "keypoints");
        assertEquals(2, type.code());
        assertTrue(type.err().startsWith("cvkit: "), type.err());
    }

    private Path result(String object) throws IOException {
        return write("r.json", "[" + object + "]");
    }

    private Path write(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static String fileNameOf(long imageId) throws IOException {
        for (JsonNode im : JSON.readTree(Path.of(GT).toFile()).get("images")) {
            if (im.get("id").asLong() == imageId) {
                return im.get("file_name").asText();
            }
        }
        throw new IllegalStateException("no image " + imageId);
    }

    private void expectError(Path dt, int code, String fragment, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--gt", GT, "--dt", dt.toString()));
        args.addAll(List.of(more));
        var r = CliTestSupport.run(args.toArray(String[]::new));
        assertEquals(code, r.code(), r.err());
        assertOneLine(r.err(), fragment);
        assertTrue(r.err().startsWith("cvkit: " + dt + ": "), r.err());
        assertEquals("", r.out());
    }

    private static void assertOneLine(String err, String fragment) {
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("cvkit: "), err);
        assertTrue(err.contains(fragment), "expected '" + fragment + "' in: " + err);
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
