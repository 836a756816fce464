package dev.cvkit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.graph.Value;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed person segmenters (models/selfie.safetensors, models/meet.safetensors) run by
 * cvkit's graph interpreter vs the TF.js graph models executed by TF.js itself on the same
 * images (fixtures by tools/reference/personseg_reference.js): raw outputs at every 97th
 * position and per-row sums, and the person probability of every network pixel on the 0..255
 * scale.
 */
class PersonSegmenterExactnessTest {
    private static final Path IMAGES = Path.of("src/test/resources/fixtures/detect");
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/segment");

    @ParameterizedTest
    @ValueSource(strings = {"selfie", "meet"})
    void outputsMatchTheTfjsRuntime(String model) throws IOException {
        PersonSegmenter seg = PersonSegmenter.read(Path.of("models", model + ".safetensors"));
        JsonNode ref = new ObjectMapper().readTree(FIXTURES.resolve(model + "-reference.json").toFile());
        assertEquals(seg.inputHeight(), ref.get("input").get(0).asInt());
        assertEquals(seg.inputWidth(), ref.get("input").get(1).asInt());
        Iterator<Map.Entry<String, JsonNode>> images = ref.get("images").fields();
        int checked = 0;
        while (images.hasNext()) {
            Map.Entry<String, JsonNode> e = images.next();
            String name = e.getKey();
            JsonNode r = e.getValue();
            RgbImage im;
            try (Mat m = ImageDecoder.read(IMAGES.resolve(name), 100_000_000L)) {
                im = RgbImage.fromMat(m);
            }
            Value y = seg.output(im);
            for (int d = 0; d < 4; d++) {
                assertEquals(r.get("shape").get(d).asInt(), y.dim(d), name + " output shape");
            }
            float[] out = y.data();
            int i = 0;
            for (JsonNode v : r.get("every97")) {
                assertEquals(v.asDouble(), out[i], 2e-4 * Math.max(1, Math.abs(v.asDouble())), name + " output value " + i);
                i += 97;
            }
            int row = out.length / y.dim(1);
            for (int k = 0; k < y.dim(1); k++) {
                double s = 0;
                for (int q = k * row; q < (k + 1) * row; q++) {
                    s += out[q];
                }
                double want = r.get("rowSums").get(k).asDouble();
                assertEquals(want, s, 1e-4 * Math.max(1, Math.abs(want)) + 1e-3, name + " row sum " + k);
            }
            byte[] want = Base64.getDecoder().decode(r.get("probabilityU8").asText());
            float[] p = seg.probability(im);
            assertEquals(want.length, p.length);
            int off = 0;
            for (int q = 0; q < p.length; q++) {
                int got = Math.round(p[q] * 255);
                int diff = Math.abs(got - (want[q] & 0xff));
                assertTrue(diff <= 1, name + " pixel " + q + ": " + got + " vs " + (want[q] & 0xff));
                off += diff;
            }
            assertTrue(off <= p.length / 1000, name + ": " + off + " pixels off by one level");
            checked++;
        }
        assertTrue(checked >= 2);
    }
}
