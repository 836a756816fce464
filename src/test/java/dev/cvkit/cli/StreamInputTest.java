package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.ExitCodes;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.ImageEncoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtsp:// inputs, from an RTSP server this test starts on 127.0.0.1: six frames, the astronaut
 * and its mirror image by turns, streamed as Motion JPEG. Each streamed frame must give the
 * detections that the same picture gives when read from a PNG file, within the JPEG loss.
 */
class StreamInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FACE = Path.of("src/test/resources/fixtures/detect/astronaut.png");
    static final int FRAMES = 6;

    @TempDir
    static Path files;
    static RtspTestServer server;
    static JsonNode[] fromFile = new JsonNode[2]; // detections on the picture and its mirror, read from PNG files

    @BeforeAll
    static void start() throws IOException {
        Mat a = ImageDecoder.read(FACE, 1 << 30);
        Mat b = new Mat();
        opencv_core.flip(a, b, 1);
        Files.write(files.resolve("a.png"), ImageEncoder.encode(a, "png"));
        Files.write(files.resolve("b.png"), ImageEncoder.encode(b, "png"));
        for (int i = 0; i < 2; i++) {
            var r = CliTestSupport.run("detect", "--model", "face-tiny", files.resolve(i == 0 ? "a.png" : "b.png").toString(), "--format", "jsonl", "-q");
            assertEquals(0, r.code(), r.err());
            fromFile[i] = JSON.readTree(r.out()).get("detections");
            assertEquals(1, fromFile[i].size(), "one face in each picture");
        }
        List<Mat> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            frames.add(i % 2 == 0 ? a : b);
        }
        server = new RtspTestServer(frames, 10, -1);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    @Test
    void detectReadsEveryFrameOfTheStreamAsTheFilesWouldBeRead(@TempDir Path dir) throws IOException {
        String url = server.url("/live/cam1");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", url, "--format", "jsonl", "-q",
                "--save", dir.resolve("out").toString(), "--crop", dir.resolve("crops").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(FRAMES, lines.length, r.out());
        for (int i = 0; i < FRAMES; i++) {
            JsonNode f = JSON.readTree(lines[i]);
            assertEquals(url, f.get("file").asText());
            assertEquals(i, f.get("frame").asInt());
            assertEquals(0.1 * i, f.get("time").asDouble(), 1e-6, "the sender's timestamps at 10 fps");
            assertEquals(256, f.get("width").asInt());
            assertEquals(200, f.get("height").asInt());
            assertSameDetections(fromFile[i % 2], f.get("detections"));
            Path saved = dir.resolve(String.format("out/cam1_f%06d.jpg", i));
            try (Mat m = ImageDecoder.read(saved, 1 << 30)) {
                assertEquals(256, m.cols(), "annotated frame " + saved);
            }
            assertTrue(Files.isRegularFile(dir.resolve(String.format("crops/cam1_f%06d_0_face.jpg", i))));
        }
        List<String> setups = server.requests().stream().filter(q -> q.startsWith("SETUP ")).toList();
        assertTrue(setups.get(0).contains("Transport: RTP/AVP/TCP"), "TCP is asked for first: " + setups.get(0));
    }

    @Test
    void vidStrideAndFormatsApplyToStreams() throws IOException {
        String url = server.url("/cam2");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", url, "--vid-stride", "2", "--format", "jsonl", "-q");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        for (int k = 0; k < 3; k++) {
            JsonNode f = JSON.readTree(lines[k]);
            assertEquals(2 * k, f.get("frame").asInt());
            assertSameDetections(fromFile[0], f.get("detections"));
        }
        var csv = CliTestSupport.run("detect", "--model", "face-tiny", url, "--format", "csv", "-q");
        assertEquals(0, csv.code(), csv.err());
        List<String> rows = csv.out().lines().toList();
        assertEquals(1 + FRAMES, rows.size(), csv.out());
        assertTrue(rows.get(4).startsWith(url + "#3,256,200,face,"), rows.get(4));
    }

    @Test
    void outputNamesFromAUrlStayInTheOutputFolder(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("a/b/out");
        String url = server.url("/x/..%2F..%2F..%2Fescaped");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", url, server.url("/"), "--vid-stride", "3", "--format", "jsonl", "-q",
                "--save", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(4, r.out().strip().split("\n").length, r.out());
        List<String> written;
        try (Stream<Path> s = Files.walk(dir)) {
            written = s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
        assertEquals(List.of("a/b/out/escaped_f000000.jpg", "a/b/out/escaped_f000003.jpg",
                "a/b/out/stream_f000000.jpg", "a/b/out/stream_f000003.jpg"), written);
    }

    @Test
    void aDeadServerIsOneLineAndExitOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String refused = "rtsp://127.0.0.1:" + closed + "/cam";
        var r = CliTestSupport.run("detect", "--model", "face-tiny", refused, FACE.toString(), "--format", "jsonl", "-q");
        assertEquals(ExitCodes.INPUT_FAILED, r.code());
        assertEquals("cvkit: " + refused + ": cannot open the stream (Connection refused)\n", r.err());
        assertEquals(1, r.out().strip().split("\n").length, "the other input is still processed");

        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            });
            t.setDaemon(true);
            t.start();
            String url = "rtsp://127.0.0.1:" + silent.getLocalPort() + "/cam";
            r = CliTestSupport.run("detect", "--model", "face-tiny", url, "--stream-timeout", "1", "--format", "jsonl", "-q");
            assertEquals(ExitCodes.INPUT_FAILED, r.code());
            assertEquals("cvkit: " + url + ": cannot open the stream (no answer from the server for 1 s (--stream-timeout))\n", r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aStreamThatFallsSilentKeepsItsFramesAndFails() throws IOException {
        List<Mat> frames = new ArrayList<>();
        try (Mat a = ImageDecoder.read(FACE, 1 << 30)) {
            for (int i = 0; i < FRAMES; i++) {
                frames.add(a);
            }
            try (RtspTestServer stalling = new RtspTestServer(frames, 10, 3)) {
                String url = stalling.url("/cam");
                var r = CliTestSupport.run("detect", "--model", "face-tiny", url, "--stream-timeout", "1", "--format", "jsonl", "-q");
                assertEquals(ExitCodes.INPUT_FAILED, r.code(), r.err());
                String[] lines = r.out().strip().split("\n");
                assertEquals(3, lines.length, r.out());
                assertEquals(2, JSON.readTree(lines[2]).get("frame").asInt());
                assertEquals("cvkit: " + url + ": the stream stopped after frame 2: no answer from the server for 1 s (--stream-timeout)\n", r.err());
            }
        }
    }

    @Test
    void aPasswordInTheUrlIsNeverPrinted() throws IOException {
        String url = server.url("/cam3").replace("rtsp://", "rtsp://viewer:s3cret@");
        String shown = server.url("/cam3").replace("rtsp://", "rtsp://viewer:***@");
        var r = CliTestSupport.run("detect", "--model", "face-tiny", url, "--vid-stride", "5", "--format", "jsonl", "-q");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertEquals(shown, JSON.readTree(lines[1]).get("file").asText());
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        r = CliTestSupport.run("detect", "--model", "face-tiny", "rtsp://admin:s3cret@127.0.0.1:" + closed + "/cam", "-q");
        assertEquals("cvkit: rtsp://admin:***@127.0.0.1:" + closed + "/cam: cannot open the stream (Connection refused)\n", r.err());
    }

    @Test
    void segmentReadsTheStreamAsTheFilesWouldBeRead(@TempDir Path dir) throws IOException {
        double[] person = new double[2];
        for (int i = 0; i < 2; i++) {
            var r = CliTestSupport.run("segment", files.resolve(i == 0 ? "a.png" : "b.png").toString(), "--format", "jsonl", "-q");
            assertEquals(0, r.code(), r.err());
            person[i] = JSON.readTree(r.out()).get("shares").get("person").asDouble();
        }
        String url = server.url("/live/seg");
        var r = CliTestSupport.run("segment", url, "--vid-stride", "2", "--format", "jsonl", "-q",
                "--alpha", dir.resolve("alpha").toString(), "--save", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(FRAMES / 2, lines.length, r.out());
        for (int k = 0; k < lines.length; k++) {
            JsonNode f = JSON.readTree(lines[k]);
            assertEquals(2 * k, f.get("frame").asInt());
            assertEquals(0.2 * k, f.get("time").asDouble(), 1e-6);
            // the streamed frames went through JPEG: the mask's edge moves by a pixel or so
            assertEquals(person[0], f.get("shares").get("person").asDouble(), 0.01, lines[k]);
            assertTrue(Files.isRegularFile(dir.resolve(String.format("alpha/seg/f%06d.png", 2 * k))));
            assertTrue(Files.isRegularFile(dir.resolve(String.format("out/seg_f%06d.jpg", 2 * k))));
        }
        assertTrue(person[0] > 0.1, "the astronaut is found: " + person[0]);
        var again = CliTestSupport.run("segment", url, "--vid-stride", "5", "--format", "jsonl", "-q", "--exist-ok",
                "--alpha", dir.resolve("alpha").toString());
        assertEquals(0, again.code(), "rewriting a stream's PNGs with --exist-ok: " + again.err());
    }

    @Test
    void commandsWithoutVideoRefuseStreams() {
        String url = server.url("/cam");
        for (String cmd : List.of("classify", "propose")) {
            var r = CliTestSupport.run(cmd, url, "--format", "jsonl", "-q");
            assertEquals(ExitCodes.INPUT_FAILED, r.code(), cmd);
            assertEquals("cvkit: " + url + ": a live stream: only detect and segment read rtsp:// inputs\n", r.err(), cmd);
        }
    }

    /** Same faces, boxes within 3 pixels and scores within 0.05: the stream's frames went through JPEG. */
    private static void assertSameDetections(JsonNode expected, JsonNode got) {
        assertEquals(expected.size(), got.size(), got.toString());
        for (int d = 0; d < expected.size(); d++) {
            assertEquals(expected.get(d).get("label").asText(), got.get(d).get("label").asText());
            assertEquals(expected.get(d).get("score").asDouble(), got.get(d).get("score").asDouble(), 0.05);
            for (int k = 0; k < 4; k++) {
                assertEquals(expected.get(d).get("bbox").get(k).asDouble(), got.get(d).get("bbox").get(k).asDouble(), 3.0, got.toString());
            }
        }
    }
}
