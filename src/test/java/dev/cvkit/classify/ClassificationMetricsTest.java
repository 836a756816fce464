package dev.cvkit.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against scikit-learn 1.2 (tools/fixtures/classify_metrics.py). */
class ClassificationMetricsTest {
    @Test
    void matchesScikitLearn() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/classify/metrics.json").toFile());
        for (JsonNode c : cases) {
            int k = c.get("classes").asInt();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                names.add("c" + i);
            }
            int n = c.get("labels").size();
            float[] scores = new float[n * k];
            int[] labels = new int[n];
            for (int i = 0; i < n * k; i++) {
                scores[i] = (float) c.get("scores").get(i).asDouble();
            }
            for (int i = 0; i < n; i++) {
                labels[i] = c.get("labels").get(i).asInt();
            }
            ClassificationMetrics m = new ClassificationMetrics(names);
            // in two chunks, as batches arrive
            int half = n / 2;
            m.add(java.util.Arrays.copyOf(scores, half * k), java.util.Arrays.copyOf(labels, half), half);
            m.add(java.util.Arrays.copyOfRange(scores, half * k, n * k), java.util.Arrays.copyOfRange(labels, half, n), n - half);
            assertEquals(c.get("top1").asDouble(), m.top1(), 1e-12);
            assertEquals(c.get("top5").asDouble(), m.top5(), 1e-12);
            assertEquals(c.get("macro_f1").asDouble(), m.scalars().get("f1"), 1e-12);
            var per = m.perClass();
            long[][] conf = m.confusion();
            for (int i = 0; i < k; i++) {
                assertEquals(c.get("precision").get(i).asDouble(), per.get(i).precision(), 1e-12);
                assertEquals(c.get("recall").get(i).asDouble(), per.get(i).recall(), 1e-12);
                assertEquals(c.get("f1").get(i).asDouble(), per.get(i).f1(), 1e-12);
                assertEquals(c.get("support").get(i).asLong(), per.get(i).support());
                for (int j = 0; j < k; j++) {
                    assertEquals(c.get("confusion").get(i).get(j).asLong(), conf[i][j]);
                }
            }
        }
    }
}
