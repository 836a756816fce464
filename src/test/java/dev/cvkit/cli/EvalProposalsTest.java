package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalProposalsTest {
    @TempDir
    Path dir;

    @Test
    void exactBoxesGiveFullRecallInBothResultFormats() throws IOException {
        // Proposals that are the ground-truth boxes of two images, in cvkit's JSON Lines...
        Path jsonl = Files.writeString(dir.resolve("p.jsonl"),
                "{\"file\":\"some/where/person.jpg\",\"width\":640,\"height\":424,\"proposals\":[[0,0,5,5],[191,101,83,273],[66,264,134,79],[406,140,194,206]],\"ms\":1}\n"
                + "{\"file\":\"samples/astronaut.png\",\"width\":512,\"height\":512,\"proposals\":[[18,14,350,498]],\"ms\":1}\n"
                + "{\"file\":\"unknown.jpg\",\"width\":1,\"height\":1,\"proposals\":[],\"ms\":1}\n");
        var r = CliTestSupport.run("eval", "--proposals", jsonl.toString(), "--gt", "samples/gt.json", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode rows = Json.MAPPER.readTree(r.out()).get("rows");
        JsonNode n10 = rows.get(0);
        assertEquals(10, n10.get("n").asInt());
        // 4 of the 15 objects found exactly; the other 4 annotated images have no proposals
        assertEquals(4.0 / 15, n10.get("recall50").asDouble(), 1e-12);
        assertEquals("all", rows.get(rows.size() - 1).get("n").asText());
        assertTrue(r.err().contains("cvkit: warning: " + jsonl + ": 1 image not in samples/gt.json (0 results): unknown.jpg; left out"),
                r.err());
        var strict = CliTestSupport.run("eval", "--proposals", jsonl.toString(), "--gt", "samples/gt.json", "--strict");
        assertEquals(1, strict.code(), strict.err());
        assertEquals("", strict.out());
        assertEquals("cvkit: " + jsonl + ": 1 image not in samples/gt.json (0 results): unknown.jpg (--strict)", strict.err().strip());
        // ...and the same as a COCO results file ranked by score
        Path coco = Files.writeString(dir.resolve("p.json"),
                "[{\"image_id\":2,\"category_id\":1,\"bbox\":[191,101,83,273],\"score\":0.9},"
                + "{\"image_id\":2,\"category_id\":1,\"bbox\":[0,0,5,5],\"score\":0.95},"
                + "{\"image_id\":2,\"category_id\":1,\"bbox\":[66,264,134,79],\"score\":0.5},"
                + "{\"image_id\":2,\"category_id\":1,\"bbox\":[406,140,194,206],\"score\":0.4},"
                + "{\"image_id\":4,\"category_id\":1,\"bbox\":[18,14,350,498],\"score\":0.3}]");
        var c = CliTestSupport.run("eval", "--proposals", coco.toString(), "--gt", "samples/gt.json", "--format", "json", "-q");
        assertEquals(0, c.code(), c.err());
        assertEquals(rows, Json.MAPPER.readTree(c.out()).get("rows"));
    }

    @Test
    void malformedFilesNameLineAndColumn() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"file\":\"a.jpg\",\"proposals\":[]}\n{\"file\": oops}\n");
        var r = CliTestSupport.run("eval", "--proposals", bad.toString(), "--gt", "samples/gt.json");
        assertEquals(ExitCodes.INPUT_FAILED, r.code()); // malformed files exit 1, as in COCO mode
        assertTrue(r.err().startsWith("cvkit: " + bad + ": invalid JSON at line 2, column "), r.err());
        Path gt = Files.writeString(dir.resolve("gt.json"), "{\"images\": [\n  {\"id\": 1,}\n]}");
        var g = CliTestSupport.run("eval", "--proposals", bad.toString(), "--gt", gt.toString());
        assertEquals(ExitCodes.INPUT_FAILED, g.code());
        assertTrue(g.err().startsWith("cvkit: " + gt + ": invalid JSON at line 2, column "), g.err());
        var none = CliTestSupport.run("eval", "--proposals", bad.toString());
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().contains("--gt"), none.err());
    }
}
