package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.ExitCodes;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.ImageEncoder;
import dev.cvkit.image.VideoFrames;
import dev.cvkit.image.VideoWriter;
import dev.cvkit.nn.Init;
import dev.cvkit.segmentation.InstanceModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit segment} on a video file made here from a photo and its mirror image by turns
 * (Motion JPEG). Every kept frame's record and PNGs must be exactly those of the same frame,
 * as the video reader decodes it, segmented as a PNG image: the video path adds no error of its
 * own. Against the original photos the frames differ only by the codec's loss, so the person's
 * share stays within half a percent.
 */
class SegmentVideoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PERSON = Path.of("src/test/resources/fixtures/detect/person.png");
    private static final int FRAMES = 5;

    @TempDir
    Path tmp;

    /** {@code in/sub/clip.avi}: person, mirror, person … at 10 fps; also the originals as in/orig/{a,b}.png. */
    private Path video() throws IOException {
        Path in = tmp.resolve("in/sub");
        Files.createDirectories(in);
        Files.createDirectories(tmp.resolve("orig"));
        try (Mat a = ImageDecoder.read(PERSON, 1 << 30); Mat b = new Mat()) {
            opencv_core.flip(a, b, 1);
            Files.write(tmp.resolve("orig/a.png"), ImageEncoder.encode(a, "png"));
            Files.write(tmp.resolve("orig/b.png"), ImageEncoder.encode(b, "png"));
            Path video = in.resolve("clip.avi");
            try (VideoWriter w = new VideoWriter(video, a.cols(), a.rows(), 10)) {
                for (int i = 0; i < FRAMES; i++) w.write(i % 2 == 0 ? a : b);
                w.commit();
            }
            return video;
        }
    }

    /** The video's frames as the reader decodes them, written as frames/fNNNNNN.png. */
    private Path decodedFrames(Path video) throws IOException {
        Path dir = tmp.resolve("frames");
        Files.createDirectories(dir);
        try (VideoFrames frames = new VideoFrames(video, 1 << 30)) {
            for (Mat m; (m = frames.next()) != null; ) {
                Files.write(dir.resolve(String.format("f%06d.png", frames.index())), ImageEncoder.encode(m, "png"));
            }
        }
        return dir;
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void personSegmenterOnAVideoGivesEachKeptFrameItsImageRecordAndPngs() throws IOException {
        Path video = video();
        var r = CliTestSupport.run("segment", tmp.resolve("in").toString(), "--vid-stride", "2", "--format", "jsonl", "-q",
                "--masks", tmp.resolve("m").toString(), "--alpha", tmp.resolve("a").toString(), "--save", tmp.resolve("s").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertEquals(List.of("sub/clip.avi/f000000.png", "sub/clip.avi/f000002.png", "sub/clip.avi/f000004.png"), files(tmp.resolve("m")));
        assertEquals(files(tmp.resolve("m")), files(tmp.resolve("a")));
        assertEquals(List.of("sub/clip.avi"), files(tmp.resolve("s")));

        Path frames = decodedFrames(video);
        var asImages = CliTestSupport.run("segment", frames.toString(), "--format", "jsonl", "-q",
                "--masks", tmp.resolve("m2").toString(), "--alpha", tmp.resolve("a2").toString());
        assertEquals(0, asImages.code(), asImages.err());
        List<String> imageLines = asImages.out().strip().lines().toList();
        assertEquals(FRAMES, imageLines.size());
        var originals = CliTestSupport.run("segment", tmp.resolve("orig").toString(), "--format", "jsonl", "-q");
        List<String> originalLines = originals.out().strip().lines().toList();
        for (int k = 0; k < 3; k++) {
            int frame = 2 * k;
            JsonNode got = JSON.readTree(lines.get(k));
            JsonNode want = JSON.readTree(imageLines.get(frame));
            assertEquals(video.toString(), got.get("file").asText());
            assertEquals(frame, got.get("frame").asInt());
            assertEquals(0.1 * frame, got.get("time").asDouble(), 1e-9, "10 fps");
            assertEquals(List.of("file", "frame", "time", "width", "height", "shares"), fieldNames(got));
            assertEquals(want.get("shares"), got.get("shares"), "frame " + frame + " as the same pixels in a PNG");
            assertEquals(320, got.get("width").asInt());
            String name = String.format("f%06d.png", frame);
            assertArrayEquals(Files.readAllBytes(tmp.resolve("m2").resolve(name)), Files.readAllBytes(tmp.resolve("m/sub/clip.avi").resolve(name)));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a2").resolve(name)), Files.readAllBytes(tmp.resolve("a/sub/clip.avi").resolve(name)));
            double original = JSON.readTree(originalLines.get(0)).get("shares").get("person").asDouble(); // frames 0, 2, 4 are a.png
            double share = got.get("shares").get("person").asDouble();
            assertTrue(share > 0.03, "the person (about 6 % of the photo) is found: " + share);
            assertEquals(original, share, 0.005, "within the codec's loss of the original photo");
        }
        try (VideoFrames saved = new VideoFrames(tmp.resolve("s/sub/clip.avi"), 1 << 30)) {
            int n = 0;
            while (saved.next() != null) n++;
            assertEquals(3, n, "the overlay video holds the kept frames");
            assertEquals(5, saved.fps(), 1e-6, "at the kept frames' rate");
        }
    }

    @Test
    void blurredBackgroundOfAVideoIsAVideoOfTheComposites() throws IOException {
        Path video = video();
        var r = CliTestSupport.run("segment", video.toString(), "--blur-background", "--save", tmp.resolve("b").toString(), "--format", "csv", "-q");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().toList();
        assertEquals(1 + 2 * FRAMES, rows.size(), r.out()); // header, then background and person per frame
        assertTrue(rows.get(3).startsWith(video + " #1,320,212,background,0,"), rows.get(3));
        try (VideoFrames saved = new VideoFrames(tmp.resolve("b/clip.avi"), 1 << 30); VideoFrames in = new VideoFrames(video, 1 << 30)) {
            int n = 0;
            for (Mat m; (m = saved.next()) != null; n++) {
                Mat original = in.next();
                assertEquals(320, m.cols());
                // the blurred background differs from the frame; the person, kept, does not: the composite is neither
                double diff = opencv_core.norm(m, original, opencv_core.NORM_L1, null) / (320.0 * 212 * 3);
                assertTrue(diff > 1 && diff < 40, "mean change per channel " + diff);
            }
            assertEquals(FRAMES, n);
        }
    }

    @Test
    void aBrokenVideoIsOneLineAndTheOtherInputsGoOn() throws IOException {
        Path video = video();
        Path bad = tmp.resolve("in/broken.mp4");
        Files.writeString(bad, "not a video");
        var r = CliTestSupport.run("segment", bad.toString(), video.toString(), "--vid-stride", "5", "--format", "jsonl", "-q");
        assertEquals(ExitCodes.INPUT_FAILED, r.code());
        assertTrue(r.err().startsWith("cvkit: " + bad + ": cannot open as a video ("), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "frame 0 of the good video");
        assertEquals(2, CliTestSupport.run("segment", video.toString(), "--vid-stride", "0").code());
    }

    @Test
    void maskRcnnOnAVideoGivesEachFrameItsImageInstances() throws IOException {
        Path video = video();
        Init.seed(5);
        MaskRcnnSpec spec = MaskRcnnSpec.smallImages("resnet18", 3, 64);
        FasterRcnn net = spec.build();
        Path model = tmp.resolve("mask.safetensors");
        InstanceModelFile.save(model, net, InstanceModelFile.config(spec, List.of("circle", "square"), List.of(1, 2),
                new DetectParams(0.3f, 0.5f, 5), null), "", java.util.Map.of(), java.util.Map.of());
        var r = CliTestSupport.run("segment", "--model", model.toString(), video.toString(), "--vid-stride", "3", "--conf", "0.1",
                "--format", "jsonl", "-q", "--masks", tmp.resolve("m").toString(), "--save", tmp.resolve("s").toString(),
                "--coco", tmp.resolve("c.json").toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size(), "frames 0 and 3");
        Path frames = decodedFrames(video);
        var asImages = CliTestSupport.run("segment", "--model", model.toString(), frames.resolve("f000003.png").toString(), "--conf", "0.1",
                "--format", "jsonl", "-q", "--masks", tmp.resolve("m2").toString());
        JsonNode want = JSON.readTree(asImages.out().strip());
        JsonNode got = JSON.readTree(lines.get(1));
        assertEquals(3, got.get("frame").asInt());
        assertTrue(want.get("detections").size() > 0, "the untrained model finds instances at 0.1");
        assertEquals(want.get("detections"), got.get("detections"));
        int n = want.get("detections").size();
        for (int k = 0; k < n; k++) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("m2/f000003_" + k + ".png")),
                    Files.readAllBytes(tmp.resolve("m/clip.avi/f000003_" + k + ".png")));
        }
        assertTrue(Files.isRegularFile(tmp.resolve("s/clip.avi")));
        assertEquals("[]", Files.readString(tmp.resolve("c.json")), "--coco covers images only");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
