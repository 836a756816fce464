package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.train.RunDir;
import dev.cvkit.data.IdxDataset;
import dev.cvkit.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → classify → eval through the CLI, on the committed 200/100-image MNIST subset. */
class ClassifyWorkflowTest {
    static final String MNIST = "src/test/resources/fixtures/data/mnist";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path run;
    static Path model;
    static Path digits;

    @BeforeAll
    static void trainOnce() throws IOException {
        run = tmp.resolve("run");
        var r = CliTestSupport.run("train", "--task", "classify", "--arch", "lenet5", "--data", MNIST, "--epochs", "2",
                "--batch", "20", "--lr", "0.003", "--augment", "shift=2", "--seed", "3", "--threads", "2", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        model = run.resolve("best.safetensors");
        // the 100 test digits as PNGs in class folders
        IdxDataset test = IdxDataset.open(Path.of(MNIST), "test");
        digits = tmp.resolve("digits");
        for (int i = 0; i < test.size(); i++) {
            Path p = digits.resolve(test.classes().get(test.label(i))).resolve(String.format("t%03d.png", i));
            Files.createDirectories(p.getParent());
            try (Mat m = test.image(i).toMat()) {
                imwrite(p.toString(), m);
            }
        }
    }

    @Test
    void trainWritesEveryFileWithProvenance() throws IOException {
        for (String f : List.of("best.safetensors", "last.safetensors", "checkpoint.safetensors", "metrics.jsonl",
                "metrics.csv", "loss.png", "accuracy.png")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        JsonNode cfg = JSON.readTree(SafeTensors.read(model).config());
        assertEquals("classify", cfg.get("task").asText());
        assertEquals("lenet5", cfg.get("arch").asText());
        assertEquals(10, cfg.get("classes").size());
        assertEquals(32, cfg.get("preprocessing").get("height").asInt());
        assertEquals(28, cfg.get("preprocessing").get("resize").asInt()); // 28×28 padded to LeNet's 32×32
        assertTrue(cfg.get("training").get("command").asText().startsWith("cvkit train --task classify --arch lenet5"));
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());
        // --out that already holds a run is refused
        var again = CliTestSupport.run("train", "--arch", "lenet5", "--data", MNIST, "--out", run.toString());
        assertEquals(ExitCodes.USAGE, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }

    @Test
    void resumeContinuesWithMoreEpochs() throws IOException {
        Path r2 = tmp.resolve("resume");
        var a = CliTestSupport.run("train", "--arch", "lenet5", "--data", MNIST, "--epochs", "1", "--batch", "50",
                "--out", r2.toString(), "--quiet");
        assertEquals(0, a.code(), a.err());
        assertEquals("", a.err());
        var bad = CliTestSupport.run("train", "--resume", r2.toString(), "--lr", "0.1");
        assertEquals(ExitCodes.USAGE, bad.code());
        var b = CliTestSupport.run("train", "--resume", r2.toString(), "--epochs", "2");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.err().contains("resuming after epoch 1"), b.err());
        List<String> rows = Files.readAllLines(r2.resolve("metrics.jsonl"));
        assertEquals(2, rows.size());
        assertEquals(2, JSON.readTree(rows.get(1)).get("epoch").asInt());
        var missing = CliTestSupport.run("train", "--resume", tmp.resolve("nothing").toString());
        assertEquals(ExitCodes.USAGE, missing.code());
    }

    @Test
    void classifyAgreesWithEval() throws IOException {
        var c = CliTestSupport.run("classify", "--model", model.toString(), "--format", "jsonl", "--top", "3", digits.toString());
        assertEquals(0, c.code(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(100, lines.size());
        int correct = 0;
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            assertEquals(28, o.get("width").asInt());
            JsonNode preds = o.get("predictions");
            assertEquals(3, preds.size());
            assertTrue(preds.get(0).get("score").asDouble() >= preds.get(1).get("score").asDouble());
            String truth = Path.of(o.get("file").asText()).getParent().getFileName().toString();
            if (preds.get(0).get("class").asText().equals(truth)) {
                correct++;
            }
        }
        var e = CliTestSupport.run("eval", "--model", model.toString(), "--data", digits.toString(), "--format", "json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = JSON.readTree(e.out());
        for (String key : List.of("top1", "top5", "per_class", "confusion")) {
            assertTrue(j.has(key), key);
        }
        assertEquals(correct / 100.0, j.get("top1").asDouble(), 1e-12);
        // the same images from the idx files give the same numbers
        var idx = CliTestSupport.run("eval", "--model", model.toString(), "--data", MNIST, "--split", "test", "--format", "json");
        assertEquals(j.get("top1").asDouble(), JSON.readTree(idx.out()).get("top1").asDouble(), 1e-12);
        assertEquals(j.get("confusion"), JSON.readTree(idx.out()).get("confusion"));
    }

    @Test
    void evalGatesAndPlots() throws IOException {
        var pass = CliTestSupport.run("eval", "--model", model.toString(), "--data", MNIST, "--min", "top5=0.01",
                "--plots", tmp.resolve("plots").toString());
        assertEquals(0, pass.code(), pass.err());
        assertTrue(pass.out().contains("top-1"));
        assertTrue(pass.out().contains("confusion (rows: true class"));
        assertTrue(Files.size(tmp.resolve("plots/confusion.png")) > 1000);
        var fail = CliTestSupport.run("eval", "--model", model.toString(), "--data", MNIST, "--min", "top1=1.01");
        assertEquals(ExitCodes.GATE_FAILED, fail.code());
        assertTrue(fail.err().contains("gate failed: top1"), fail.err());
        var unknown = CliTestSupport.run("eval", "--model", model.toString(), "--data", MNIST, "--min", "AP=0.3");
        assertEquals(ExitCodes.USAGE, unknown.code());
        var half = CliTestSupport.run("eval", "--model", model.toString());
        assertEquals(ExitCodes.USAGE, half.code());
    }

    @Test
    void classifyFormatsSaveAndErrors() throws IOException {
        Path one = digits.resolve("7").resolve("t000.png");
        var csv = CliTestSupport.run("classify", "--model", model.toString(), "--format", "csv", "--top", "2", one.toString());
        assertEquals(0, csv.code(), csv.err());
        List<String> rows = csv.out().lines().toList();
        assertEquals("file,width,height,rank,class,index,score", rows.get(0));
        assertEquals(3, rows.size());
        var json = CliTestSupport.run("classify", "--model", model.toString(), "--format", "json", one.toString(), one.toString());
        JsonNode arr = JSON.readTree(json.out());
        assertEquals(2, arr.size());
        assertEquals(arr.get(0).get("predictions"), arr.get(1).get("predictions"));
        assertTrue(!arr.get(0).has("ms"), "no time on stdout unless --timings");
        var timed = CliTestSupport.run("classify", "--model", model.toString(), "--format", "jsonl", "--timings", one.toString());
        assertTrue(JSON.readTree(timed.out()).get("ms").asDouble() > 0, timed.out());
        assertTrue(timed.err().strip().endsWith("postprocess per image"), timed.err());
        var text = CliTestSupport.run("classify", "--model", model.toString(), "--format", "text", one.toString());
        assertTrue(text.out().lines().toList().get(1).startsWith(one.toString()), text.out());
        Path bad = tmp.resolve("bad.png");
        Files.write(bad, new byte[] {1, 2, 3});
        Path saved = tmp.resolve("saved");
        var mixed = CliTestSupport.run("classify", "--model", model.toString(), "--save", saved.toString(), one.toString(), bad.toString());
        assertEquals(ExitCodes.INPUT_FAILED, mixed.code());
        assertTrue(mixed.err().contains("bad.png: not an image"), mixed.err());
        assertEquals(1, mixed.out().lines().count());
        // several INPUTs keep their paths relative to their common folder (tmp)
        assertTrue(Files.size(saved.resolve("digits/7/t000.png")) > 0);
        var noModel = CliTestSupport.run("classify", "--model", tmp.resolve("none.safetensors").toString(), one.toString());
        assertEquals(ExitCodes.USAGE, noModel.code());
        var notClassifier = CliTestSupport.run("classify", "--model", bad.toString(), one.toString());
        assertEquals(ExitCodes.INPUT_FAILED, notClassifier.code());
        assertFalse(notClassifier.err().contains("Exception"), notClassifier.err());
    }

    @Test
    void trainOnClassFoldersWithSeparateValidationData() throws IOException {
        // the 100 test digits as class folders for training, the idx folder's test split (--val) for validation
        Path r3 = tmp.resolve("folders");
        var r = CliTestSupport.run("train", "--arch", "lenet5", "--data", digits.toString(), "--val", MNIST, "--epochs", "1",
                "--batch", "25", "--out", r3.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("; validation: " + Path.of(MNIST).resolve("t10k-images-idx3-ubyte.gz") + ": 100 images"), r.err());
        JsonNode row = JSON.readTree(Files.readAllLines(r3.resolve("metrics.jsonl")).get(0));
        var e = CliTestSupport.run("eval", "--model", r3.resolve("last.safetensors").toString(), "--data", MNIST, "--format", "json");
        assertEquals(row.get("val_top1").asDouble(), JSON.readTree(e.out()).get("top1").asDouble(), 1e-12);
        JsonNode cfg = JSON.readTree(SafeTensors.read(r3.resolve("last.safetensors")).config());
        assertEquals(28, cfg.get("preprocessing").get("resize").asInt()); // 28×28 PNGs padded like the idx images
    }

    /** --data D with D/train/ and D/val/ validates on D/val/ (as its help says), not on a part held out of D/train/. */
    @Test
    void trainOnDataWithTrainAndValFoldersValidatesOnVal() throws IOException {
        Path split = tmp.resolve("split");
        copyTree(digits, split.resolve("train"));
        copyTree(digits, split.resolve("val"));
        Path r4 = tmp.resolve("split-run");
        var r = CliTestSupport.run("train", "--arch", "lenet5", "--data", split.toString(), "--epochs", "1", "--batch", "25",
                "--out", r4.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("held out"), r.err());
        assertTrue(r.err().contains("; validation: " + split.resolve("val")), r.err());
        JsonNode row = JSON.readTree(Files.readAllLines(r4.resolve("metrics.jsonl")).get(0));
        var e = CliTestSupport.run("eval", "--model", r4.resolve("last.safetensors").toString(), "--data", split.resolve("val").toString(),
                "--format", "json");
        assertEquals(0, e.code(), e.err());
        assertEquals(row.get("val_top1").asDouble(), JSON.readTree(e.out()).get("top1").asDouble(), 1e-12);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    @Test
    void trainUsageErrorsAreOneLine() {
        String[][] cases = {
            {"train", "--arch", "lenet9", "--data", MNIST},
            {"train", "--arch", "lenet5", "--data", MNIST, "--schedule", "step:x"},
            {"train", "--arch", "lenet5", "--data", MNIST, "--optimizer", "rmsprop"},
            {"train", "--arch", "lenet5", "--data", MNIST, "--augment", "rotate=5"},
            {"train", "--arch", "lenet5", "--data", tmp.resolve("missing").toString()},
            {"train", "--arch", "lenet5"},
            {"train", "--task", "detect", "--arch", "lenet5", "--data", MNIST},
            {"train", "--arch", "lenet5", "--data", MNIST, "--mean", "0.1"},
            {"train", "--arch", "lenet5", "--data", MNIST, "--time", "1m", "--schedule", "cosine"},
            {"train", "--arch", "lenet5", "--data", MNIST, "--time", "soon"},
        };
        for (String[] args : cases) {
            var r = CliTestSupport.run(args);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("cvkit: "), r.err());
        }
    }

    /** --time gives classification the loop's budget: the run stops by itself, and its checkpoint keeps the budget. */
    @Test
    void trainForATimeBudget() throws IOException {
        Path r5 = tmp.resolve("budget");
        var r = CliTestSupport.run("train", "--arch", "lenet5", "--data", MNIST, "--time", "2s", "--batch", "50", "--out", r5.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("; best epoch ") || r.err().contains("; best at iteration "), r.err());
        assertTrue(Files.readAllLines(r5.resolve("metrics.jsonl")).size() >= 1);
        JsonNode state = JSON.readTree(SafeTensors.read(r5.resolve("checkpoint.safetensors")).metadata().get("checkpoint"));
        assertEquals(2.0, state.get("options").get("budgetS").asDouble());
        assertTrue(state.get("elapsed_s").asDouble() > 0);
        var more = CliTestSupport.run("train", "--resume", r5.toString(), "--epochs", "50");
        assertEquals(ExitCodes.USAGE, more.code());
        assertTrue(more.err().contains("--time"), more.err());
    }

    @Test
    void runFoldersAreNumbered() throws IOException {
        Path parent = tmp.resolve("runs");
        assertEquals(parent.resolve("lenet5"), RunDir.next(parent, "lenet5"));
        assertEquals(parent.resolve("lenet52"), RunDir.next(parent, "lenet5"));
        assertEquals(parent.resolve("lenet53"), RunDir.next(parent, "lenet5"));
    }
}
