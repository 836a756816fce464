package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit detect} end to end with the committed Tiny face model; expected boxes are the
 * original face-api's (tools/reference/faceapi_reference.js on the same PNG).
 */
class DetectCommandTest {
    static final Path FX = Path.of("src/test/resources/fixtures/detect");
    static final ObjectMapper JSON = new ObjectMapper();
    static JsonNode expected;

    @BeforeAll
    static void load() throws IOException {
        expected = JSON.readTree(FX.resolve("faceapi-reference.json").toFile())
                .get("images").get("astronaut.png").get("tiny").get("detections");
    }

    @Test
    void jsonlLineHasTheOriginalFaceBox() throws IOException {
        var r = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), FX.resolve("person.png").toString(),
                "--format", "jsonl", "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        JsonNode a = JSON.readTree(lines[0]);
        assertTrue(a.get("file").asText().endsWith("astronaut.png"));
        assertEquals(256, a.get("width").asInt());
        assertEquals(200, a.get("height").asInt());
        JsonNode d = a.get("detections");
        assertEquals(1, d.size());
        for (int k = 0; k < 4; k++) {
            assertEquals(expected.get(0).get("bbox").get(k).asDouble(), d.get(0).get("bbox").get(k).asDouble(), 0.5);
        }
        assertEquals(expected.get(0).get("score").asDouble(), d.get(0).get("score").asDouble(), 1e-3);
        assertEquals("face", d.get(0).get("label").asText());
        assertEquals(1, d.get(0).get("category_id").asInt());
        assertTrue(!a.has("ms"), "no time on stdout unless --timings");
        assertEquals(0, JSON.readTree(lines[1]).get("detections").size(), "no face in person.png at conf 0.5");
    }

    /** The same inputs give the same bytes on stdout; --timings adds each image's ms, and stderr ends with the stage times. */
    @Test
    void stdoutIsTheSameBytesAndTimingsAreOptIn() throws IOException {
        String[] args = {"detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), FX.resolve("person.png").toString(),
            "--format", "jsonl", "--threads", "2"};
        var first = CliTestSupport.run(args);
        var second = CliTestSupport.run(args);
        assertEquals(0, first.code(), first.err());
        assertEquals(first.out(), second.out());
        String last = first.err().strip().lines().reduce((x, y) -> y).orElseThrow();
        assertTrue(last.matches("Speed: [0-9.]+ms preprocess, [0-9.]+ms inference, [0-9.]+ms postprocess per image"), first.err());
        var timed = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), "--format", "jsonl",
                "--timings", "-q");
        assertEquals(0, timed.code(), timed.err());
        assertTrue(JSON.readTree(timed.out()).get("ms").isIntegralNumber(), timed.out());
        assertEquals("", timed.err());
    }

    @Test
    void saveCropBlurAndCoco(@TempDir Path dir) throws IOException {
        Path gt = dir.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 42, \"file_name\": \"astronaut.png\", \"width\": 256, \"height\": 200}],"
                + " \"annotations\": [], \"categories\": [{\"id\": 7, \"name\": \"face\"}]}");
        Path coco = dir.resolve("dets.json");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), "--format", "csv",
                "--save", dir.resolve("saved").toString(), "--blur", "--crop", dir.resolve("crops").toString(),
                "--coco", coco.toString(), "--gt", gt.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("file,width,height,label,category_id,score,x,y,w,h\n"), r.out());
        assertEquals(2, r.out().strip().split("\n").length);
        assertTrue(Files.isRegularFile(dir.resolve("saved/astronaut.png")));
        try (var crops = Files.list(dir.resolve("crops"))) {
            assertEquals(1, crops.count());
        }
        JsonNode res = JSON.readTree(coco.toFile());
        assertEquals(1, res.size());
        assertEquals(42, res.get(0).get("image_id").asInt());
        assertEquals(7, res.get(0).get("category_id").asInt());
        assertEquals(expected.get(0).get("bbox").get(0).asDouble(), res.get(0).get("bbox").get(0).asDouble(), 0.5);
        // the blurred face region differs from the input; pixels far from it do not
        var in = dev.cvkit.image.RgbImage.fromMat(dev.cvkit.image.ImageDecoder.read(FX.resolve("astronaut.png"), 1 << 30));
        var out = dev.cvkit.image.RgbImage.fromMat(dev.cvkit.image.ImageDecoder.read(dir.resolve("saved/astronaut.png"), 1 << 30));
        int cx = (int) (expected.get(0).get("bbox").get(0).asDouble() + expected.get(0).get("bbox").get(2).asDouble() / 2);
        int cy = (int) (expected.get(0).get("bbox").get(1).asDouble() + expected.get(0).get("bbox").get(3).asDouble() / 2);
        long diffInside = 0, diffOutside = 0;
        for (int dy = -8; dy <= 8; dy++) {
            for (int dx = -8; dx <= 8; dx++) {
                diffInside += Math.abs(in.at(cx + dx, cy + dy, 0) - out.at(cx + dx, cy + dy, 0));
                diffOutside += Math.abs(in.at(230 + dx / 4, 180 + dy / 4, 0) - out.at(230 + dx / 4, 180 + dy / 4, 0));
            }
        }
        assertTrue(diffInside > 300, "face region blurred: " + diffInside);
        assertEquals(0, diffOutside, "background unchanged");
    }

    /** --save-txt: one YOLO label file per image, the same boxes as the JSON lines, normalised; empty when nothing was found. */
    @Test
    void saveTxtWritesYoloLabels(@TempDir Path dir) throws IOException {
        Path labels = dir.resolve("labels");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), FX.resolve("person.png").toString(),
                "--format", "jsonl", "--save-txt", labels.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        JsonNode a = JSON.readTree(r.out().lines().findFirst().orElseThrow());
        JsonNode box = a.get("detections").get(0).get("bbox");
        double w = a.get("width").asDouble(), h = a.get("height").asDouble();
        String[] f = Files.readString(labels.resolve("astronaut.txt")).strip().split(" ");
        assertEquals(5, f.length);
        assertEquals("0", f[0]);
        assertEquals((box.get(0).asDouble() + box.get(2).asDouble() / 2) / w, Double.parseDouble(f[1]), 1e-4);
        assertEquals((box.get(1).asDouble() + box.get(3).asDouble() / 2) / h, Double.parseDouble(f[2]), 1e-4);
        assertEquals(box.get(2).asDouble() / w, Double.parseDouble(f[3]), 1e-4);
        assertEquals(box.get(3).asDouble() / h, Double.parseDouble(f[4]), 1e-4);
        assertEquals("", Files.readString(labels.resolve("person.txt")));
    }

    @Test
    void cocoLeavesOutWhatTheDatasetDoesNotListAndSaysSoOnce(@TempDir Path dir) throws IOException {
        Path gt = dir.resolve("gt.json");
        Files.writeString(gt, "{\"images\": [{\"id\": 1, \"file_name\": \"other.png\"}], \"annotations\": [],"
                + " \"categories\": [{\"id\": 1, \"name\": \"person\"}]}");
        Path coco = dir.resolve("dets.json");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), FX.resolve("person.png").toString(),
                "--format", "jsonl", "--coco", coco.toString(), "--gt", gt.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(0, JSON.readTree(coco.toFile()).size());
        assertEquals(2, r.out().lines().count(), "every image still on stdout");
        assertTrue(r.err().contains("cvkit: warning: " + coco + ": 2 images not in " + gt + " (1 result): "
                + FX.resolve("astronaut.png") + ", " + FX.resolve("person.png") + "; left out"), r.err());

        // a known image whose class the dataset lacks: that detection is left out, counted
        Path gt2 = dir.resolve("gt2.json");
        Files.writeString(gt2, "{\"images\": [{\"id\": 3, \"file_name\": \"astronaut.png\"}], \"annotations\": [],"
                + " \"categories\": [{\"id\": 1, \"name\": \"person\"}]}");
        var c = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(),
                "--format", "jsonl", "--coco", coco.toString(), "--gt", gt2.toString());
        assertEquals(0, c.code(), c.err());
        assertEquals(0, JSON.readTree(coco.toFile()).size());
        assertTrue(c.err().contains("cvkit: warning: " + coco + ": 1 result of 1 category not in " + gt2 + ": 'face'; left out"), c.err());

        // --strict: the same is an error (exit 1), and every output is still written
        Files.delete(coco);
        var s = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), FX.resolve("person.png").toString(),
                "--format", "jsonl", "--coco", coco.toString(), "--gt", gt.toString(), "--strict");
        assertEquals(1, s.code(), s.err());
        assertEquals(2, s.out().lines().count());
        assertTrue(Files.isRegularFile(coco));
        assertTrue(s.err().contains("cvkit: " + coco + ": 2 images not in " + gt + " (1 result): "), s.err());
        assertTrue(s.err().contains("(--strict)"), s.err());
        var noGt = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), "--strict");
        assertEquals(2, noGt.code(), noGt.err());
    }

    @Test
    void videoFramesEveryStrideWithAnAnnotatedVideo(@TempDir Path dir) throws Exception {
        Path video = dir.resolve("clip.avi");
        try (var img = dev.cvkit.image.ImageDecoder.read(FX.resolve("astronaut.png"), 1 << 30);
             var w = new dev.cvkit.image.VideoWriter(video, img.cols(), img.rows(), 10)) {
            for (int i = 0; i < 5; i++) {
                w.write(img);
            }
            w.commit();
        }
        var r = CliTestSupport.run("detect", "--model", "face-tiny", video.toString(), "--vid-stride", "2", "--format", "jsonl",
                "--save", dir.resolve("out").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        for (int i = 0; i < 3; i++) {
            JsonNode f = JSON.readTree(lines[i]);
            assertEquals(2 * i, f.get("frame").asInt());
            assertEquals(0.2 * i, f.get("time").asDouble(), 1e-9);
            assertEquals(1, f.get("detections").size());
            for (int k = 0; k < 4; k++) { // the frames went through JPEG: a few pixels of slack
                assertEquals(expected.get(0).get("bbox").get(k).asDouble(), f.get("detections").get(0).get("bbox").get(k).asDouble(), 3.0);
            }
        }
        try (var saved = new dev.cvkit.image.VideoFrames(dir.resolve("out/clip.avi"), 1 << 30)) {
            int n = 0;
            while (saved.next() != null) {
                n++;
            }
            assertEquals(3, n, "the saved video holds the processed frames");
            assertEquals(256, saved.width());
        }
        Path bad = dir.resolve("bad.mp4");
        Files.writeString(bad, "not a video");
        r = CliTestSupport.run("detect", "--model", "face-tiny", bad.toString(), "--format", "jsonl");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("cvkit: " + bad + ": cannot open as a video"), r.err());
        r = CliTestSupport.run("detect", "--model", "face-tiny", video.toString(), "--vid-stride", "0");
        assertEquals(2, r.code());
    }

    @Test
    void tableListsDetections() {
        var r = CliTestSupport.run("detect", "--model", "face-tiny", FX.resolve("astronaut.png").toString(), "--format", "text", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("256×200  1 detection"), r.out());
        assertTrue(r.out().contains("  face "), r.out());
    }

    @Test
    void userMistakesAreOneLineErrors(@TempDir Path dir) throws IOException {
        var r = CliTestSupport.run("detect", "--model", "face-tiny", "--classes", "dog", FX.resolve("astronaut.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --classes: 'dog' is not a class of this model"), r.err());
        r = CliTestSupport.run("detect", "--model", "face-tiny", "--blur", FX.resolve("astronaut.png").toString());
        assertEquals(2, r.code());
        r = CliTestSupport.run("detect", "--model", "nosuchmodel", FX.resolve("astronaut.png").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such model file or model name"), r.err());
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        r = CliTestSupport.run("detect", "--model", bad.toString(), FX.resolve("astronaut.png").toString());
        assertEquals(1, r.code(), "a bad model file is a bad data file, as in classify");
        assertTrue(r.err().startsWith("cvkit: " + bad + ": bad model file"), r.err());
        r = CliTestSupport.run("detect", "--model", "face-tiny", "--conf", "1.5", FX.resolve("astronaut.png").toString());
        assertEquals(2, r.code());
        Path corrupt = dir.resolve("corrupt.png");
        Files.write(corrupt, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
        r = CliTestSupport.run("detect", "--model", "face-tiny", "--format", "jsonl", "--quiet", corrupt.toString(), FX.resolve("astronaut.png").toString());
        assertEquals(1, r.code(), "one input failed, the other was processed");
        assertEquals(1, r.out().strip().split("\n").length);
        assertTrue(r.err().startsWith("cvkit: " + corrupt + ": "), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }
}
