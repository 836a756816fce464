package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model shipped in models/ (trained by cvkit itself) on the shipped samples, as on a fresh clone. */
class BundledModelTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void classifiesTheSampleDigitsWithoutAModelOption() throws Exception {
        var r = CliTestSupport.run("classify", "--format", "jsonl", "samples/digits/");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(10, lines.size());
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            String name = Path.of(o.get("file").asText()).getFileName().toString();
            // each sample is named after its MNIST label
            assertEquals(name.substring(0, 1), o.get("predictions").get(0).get("class").asText(), line);
        }
    }

    @Test
    void knowsHowItWasTrainedAndScoresOnHeldOutDigits() throws Exception {
        var e = CliTestSupport.run("eval", "--model", ClassifyCommand.DEFAULT_MODEL, "--data",
                "src/test/resources/fixtures/data/mnist", "--split", "test", "--format", "json", "--min", "top1=0.97");
        assertEquals(0, e.code(), e.err());
        JsonNode cfg = JSON.readTree(dev.cvkit.io.SafeTensors.read(Path.of(ClassifyCommand.DEFAULT_MODEL)).config());
        assertTrue(cfg.get("training").get("command").asText().startsWith("cvkit train --task classify --arch lenet5"));
        assertEquals("lenet5", cfg.get("arch").asText());
    }
}
