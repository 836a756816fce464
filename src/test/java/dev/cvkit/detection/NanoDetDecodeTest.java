package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NanoDet's post-processing (distribution integral, distance to box, clipping, per-class NMS,
 * top-k) vs PyTorch + torchvision.ops.batched_nms on seeded random head outputs
 * (tools/fixtures/nanodet_decode.py).
 */
class NanoDetDecodeTest {
    @Test
    void decodingMatchesTorchvision() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Models.FIXTURES.resolve("nanodet-decode-expected.json").toFile());
        byte[] bytes = Files.readAllBytes(Models.FIXTURES.resolve("nanodet-decode-raw.bin"));
        float[] raw = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(raw);
        assertEquals(ref.get("cells").asInt() * 124, raw.length);
        for (JsonNode c : ref.get("cases")) {
            DetectParams p = new DetectParams((float) c.get("conf").asDouble(), (float) c.get("iou").asDouble(), c.get("max_det").asInt());
            List<NanoDetDetector.InputBox> got = NanoDetDetector.decode(raw, ref.get("input").asInt(), p);
            JsonNode exp = c.get("detections");
            assertEquals(exp.size(), got.size(), "count at " + p);
            for (int i = 0; i < got.size(); i++) {
                JsonNode e = exp.get(i);
                NanoDetDetector.InputBox b = got.get(i);
                assertEquals(e.get(5).asInt(), b.cls(), "class of detection " + i);
                assertEquals(e.get(4).asDouble(), b.score(), 1e-6, "score of detection " + i);
                float[] box = {b.x0(), b.y0(), b.x1(), b.y1()};
                for (int k = 0; k < 4; k++) {
                    assertEquals(e.get(k).asDouble(), box[k], 1e-4, "detection " + i + " coordinate " + k);
                }
            }
        }
    }
}
