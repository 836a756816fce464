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
