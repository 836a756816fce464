package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * face-api's detectors imported into cvkit's layers vs the original TF.js runtime on identical
 * pixels (fixtures by tools/reference/faceapi_reference.js): boxes within 0.5 px, scores within 1e-3.
 */
class FaceDetectorExactnessTest {
    static JsonNode ref;

    @BeforeAll
    static void load() throws IOException {
        ref = new ObjectMapper().readTree(Models.FIXTURES.resolve("faceapi-reference.json").toFile()).get("images");
    }

    @Test
    void ssdAnchorsMatchTfjsBeforeNms() {
        SsdFaceDetector ssd = (SsdFaceDetector) Models.get(Architecture.SSD_MOBILENETV1_FACE);
        for (String name : List.of("astronaut.png", "person.png")) {
            SsdMobileNetV1Face.Decoded d = ssd.decodedAnchors(Models.image(name));
            JsonNode r = ref.get(name).get("ssd");
            for (String part : List.of("top", "every64")) {
                for (JsonNode a : r.get(part)) {
                    int i = a.get("index").asInt();
                    assertEquals(a.get("score").asDouble(), d.scores()[i], 1e-3, name + " anchor " + i + " score");
                    for (int k = 0; k < 4; k++) {
                        // normalised to the 512-px square: 0.5 px there is 0.5/512
                        assertEquals(a.get("box").get(k).asDouble(), d.boxes()[i * 4 + k], 0.5 / 512, name + " anchor " + i + " box " + k);
                    }
                }
            }
        }
    }

    @Test
    void ssdDetectionsMatchTfjs() {
        Detector ssd = Models.get(Architecture.SSD_MOBILENETV1_FACE);
        for (String name : List.of("astronaut.png", "person.png")) {
            assertDetections(ref.get(name).get("ssd").get("detections"), ssd.detect(Models.image(name), new DetectParams(0.2f, 0.5f, 100)), name);
        }
    }

    @Test
    void tinyGridMatchesTfjs() {
        TinyFaceDetector tiny = (TinyFaceDetector) Models.get(Architecture.TINY_FACE);
        for (String name : List.of("astronaut.png", "person.png")) {
            JsonNode r = ref.get(name).get("tiny");
            float[] out = tiny.raw(Models.image(name)).data();
            int n = r.get("shape").get(1).asInt(), cells = n * n;
            JsonNode raw = r.get("raw");
            assertEquals(raw.size(), out.length);
            for (int row = 0; row < n; row++) {
                for (int col = 0; col < n; col++) {
                    for (int ch = 0; ch < 25; ch++) {
                        // TF.js is NHWC [1, n, n, 25]; cvkit is NCHW [1, 25, n, n]
                        assertEquals(raw.get((row * n + col) * 25 + ch).asDouble(), out[ch * cells + row * n + col], 1e-3,
                                name + " cell " + row + "," + col + " channel " + ch);
                    }
                }
            }
        }
    }

    @Test
    void tinyDetectionsMatchTfjs() {
        Detector tiny = Models.get(Architecture.TINY_FACE);
        for (String name : List.of("astronaut.png", "person.png")) {
            assertDetections(ref.get(name).get("tiny").get("detections"), tiny.detect(Models.image(name), new DetectParams(0.2f, 0.4f, 100)), name);
        }
    }

    static void assertDetections(JsonNode expected, List<Detection> got, String name) {
        assertEquals(expected.size(), got.size(), name + ": number of detections " + got);
        for (int i = 0; i < got.size(); i++) {
            JsonNode e = expected.get(i);
            Detection d = got.get(i);
            assertEquals(e.get("score").asDouble(), d.score(), 1e-3, name + " detection " + i + " score");
            float[] box = {d.x(), d.y(), d.w(), d.h()};
            for (int k = 0; k < 4; k++) {
                assertEquals(e.get("bbox").get(k).asDouble(), box[k], 0.5, name + " detection " + i + " bbox " + k);
            }
        }
    }

}
