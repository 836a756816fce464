package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.ExitCodes;
import dev.cvkit.cli.docs.GeneratedDocs;
import dev.cvkit.detection.Architecture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a new user mistypes or looks for: suggestions, aliases, class indices, completion, help at 80 columns, the model list. */
class ForgivingCommandLineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FACE = Path.of("src/test/resources/fixtures/detect/astronaut.png");

    @Test
    void mistypedOptionsAndCommandsGetASuggestion() {
        var opt = CliTestSupport.run("detect", "--thresholds", "2", FACE.toString());
        assertEquals(ExitCodes.USAGE, opt.code());
        assertEquals("cvkit: Unknown option: '--thresholds'; did you mean --threads? (see 'cvkit detect --help')", opt.err().strip());
        var cmd = CliTestSupport.run("detcet", FACE.toString());
        assertEquals(ExitCodes.USAGE, cmd.code());
        assertEquals("cvkit: unknown command 'detcet'; did you mean detect? (see 'cvkit --help')", cmd.err().strip());
        var none = CliTestSupport.run("detect", "--zzzzzz", FACE.toString());
        assertEquals("cvkit: Unknown option: '--zzzzzz' (see 'cvkit detect --help')", none.err().strip());
    }

    @Test
    void formatTableIsText() {
        var table = CliTestSupport.run("models", "--format", "table");
        var text = CliTestSupport.run("models", "--format", "TEXT");
        assertEquals(0, table.code(), table.err());
        assertEquals(text.out(), table.out());
        assertTrue(table.out().startsWith("lenet5 "), table.out());
        var bad = CliTestSupport.run("models", "--format", "yaml");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("'yaml' is not a format (text or table, jsonl, json, csv)"), bad.err());
        var eval = CliTestSupport.run("eval", "--gt", EvalCommandTest.GT, "--dt", EvalCommandTest.DT, "--format", "table", "-q");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 |"), eval.out());
    }

    @Test
    void classesByIndexAsByName() {
        var byName = CliTestSupport.run("detect", "--model", "face-tiny", FACE.toString(), "--classes", "face", "--format", "jsonl", "-q");
        var byIndex = CliTestSupport.run("detect", "--model", "face-tiny", FACE.toString(), "--classes", "0", "--format", "jsonl", "-q");
        assertEquals(0, byIndex.code(), byIndex.err());
        assertTrue(byName.out().contains("\"label\":\"face\""), byName.out());
        assertEquals(byName.out(), byIndex.out());
        var out = CliTestSupport.run("detect", "--model", "face-tiny", FACE.toString(), "--classes", "1");
        assertEquals(ExitCodes.USAGE, out.code());
        assertEquals("cvkit: --classes: index 1 is out of range: this model has 1 classes (0-0)", out.err().strip());
    }

    @Test
    void completionOffersModelArchitectureClassAndFormatNames() {
        String bash = GeneratedDocs.all().get("completions/cvkit.bash");
        assertTrue(section(bash, "_picocli_cvkit_detect").contains("(\"centernet\" \"face\" \"face-ssd\" \"face-tiny\" \"nanodet\") # --model values"), bash);
        assertTrue(section(bash, "_picocli_cvkit_detect").contains("\"text\" \"table\" \"jsonl\" \"json\" \"csv\""));
        assertTrue(section(bash, "_picocli_cvkit_detect").contains("\"person\" \"bicycle\""));
        assertTrue(section(bash, "_picocli_cvkit_train").contains("\"lenet5\" \"alexnet\""));
        assertTrue(section(bash, "_picocli_cvkit_models_summary").contains("\"mobilenet_v2\" \"centernet\" \"face-ssd\" \"face-tiny\" \"fast-rcnn\" \"faster-rcnn\" \"nanodet\""));
        assertTrue(section(bash, "_picocli_cvkit_eval").contains("(\"centernet\" \"face\" \"face-ssd\" \"face-tiny\" \"nanodet\") # --model values"));
    }

    private static String section(String bash, String function) {
        int i = bash.indexOf("function " + function + "()");
        assertTrue(i >= 0, function);
        int j = bash.indexOf("\nfunction ", i + 1);
        return bash.substring(i, j < 0 ? bash.length() : j);
    }

    /** At 80 columns every example line is printed whole: nothing wraps, so nothing breaks mid-word. */
    @Test
    void helpExamplesFitEightyColumns() {
        CommandLine root = Main.commandLine();
        root.setUsageHelpAutoWidth(false);
        root.setUsageHelpWidth(80);
        Deque<CommandLine> todo = new ArrayDeque<>(List.of(root));
        int checked = 0;
        while (!todo.isEmpty()) {
            CommandLine c = todo.poll();
            c.getSubcommands().values().forEach(todo::add);
            String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            List<String> lines = usage.lines().toList();
            for (String f : c.getCommandSpec().usageMessage().footer()) {
                assertTrue(f.length() < 80, c.getCommandSpec().qualifiedName() + ": " + f);
                assertTrue(lines.contains(f), c.getCommandSpec().qualifiedName() + " wraps: " + f);
                checked++;
            }
            for (String l : lines) {
                assertTrue(l.length() <= 80, c.getCommandSpec().qualifiedName() + ": " + l);
            }
        }
        assertTrue(checked > 50, "examples checked: " + checked);
    }

    @Test
    void modelsListsTheDetectorsAndSummarisesThem() throws IOException {
        var r = CliTestSupport.run("models", "--format", "jsonl");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = r.out().lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals("classify", rows.get(0).get("task").asText());
        List<String> detectors = rows.stream().filter(o -> o.get("task").asText().equals("detect")).map(o -> o.get("name").asText()).toList();
        assertEquals(List.of("centernet", "nanodet", "face-ssd", "face-tiny", "faster-rcnn", "fast-rcnn", "rcnn", "retinanet", "ssd", "ssdlite",
                "yolo-n", "yolo-s", "yolo-m", "yolov1-n", "yolov1-s", "yolov1-m"), detectors);

        var s = CliTestSupport.run("models", "summary", "nanodet", "--format", "json");
        assertEquals(0, s.code(), s.err());
        JsonNode j = JSON.readTree(s.out());
        assertEquals(Architecture.NANODET.newNetwork().parameterCount(), j.get("params").asLong());
        assertEquals("[3,416,416]", j.get("input").toString());
        assertTrue(s.err().contains("parameters are in no traced layer"), s.err()); // its fused layers are not in the table: said so
        var face = CliTestSupport.run("models", "summary", "face", "--format", "json", "-q");
        assertEquals(Architecture.SSD_MOBILENETV1_FACE.newNetwork().parameterCount(), JSON.readTree(face.out()).get("params").asLong());
        var classes = CliTestSupport.run("models", "summary", "nanodet", "--classes", "3");
        assertEquals(ExitCodes.USAGE, classes.code());
    }

    /** Each architecture's own class count: 10 for LeNet-5 and the CIFAR ResNets, 1000 for the ImageNet networks. */
    @Test
    void summaryDefaultsToTheArchitecturesOwnClassCount() throws IOException {
        assertEquals("[10]", lastOutput("lenet5"));
        assertEquals("[10]", lastOutput("resnet20"));
        assertEquals("[10]", lastOutput("resnet56"));
        assertEquals("[1000]", lastOutput("resnet18"));
        assertEquals("[7]", lastOutput("lenet5", "--classes", "7"));
    }

    private static String lastOutput(String... args) throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of("models", "summary"));
        all.addAll(List.of(args));
        all.addAll(List.of("--format", "json"));
        var r = CliTestSupport.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode layers = JSON.readTree(r.out()).get("layers");
        return layers.get(layers.size() - 1).get("output").toString();
    }

    @Test
    void noNoteWhenEveryLayerIsTraced() {
        var r = CliTestSupport.run("models", "summary", "lenet5", "--format", "json");
        assertFalse(r.err().contains("note"), r.err());
    }
}
