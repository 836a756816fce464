package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.classify.Architectures;
import dev.cvkit.classify.ClassifierModel;
import dev.cvkit.classify.Prediction;
import dev.cvkit.image.LabelDrawing;
import dev.cvkit.image.Pixels;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import dev.cvkit.records.ClassifyRecords;
import dev.cvkit.records.ClassifyRecords.Result;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.StageTimes;
import dev.cvkit.tensor.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit classify}: the top classes of each input image under a trained classifier. */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Classify images with a model trained by 'cvkit train' (default: the bundled LeNet-5 digit classifier).",
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit classify samples/digits/               # a table on a terminal",
                "  cvkit classify --model runs/classify/lenet5/best.safetensors photos/ \\",
                "      --top 3 --format csv",
                "  find scans -name '*.png' | cvkit classify - | jq -r '.predictions[0].class'",
                "  cvkit classify samples/digits/ --save labelled/   # each with its label",
                "",
                "Exit codes: 0 ok; 1 some input failed (the others are still classified)",
                "or a bad model file; 2 usage error (also a missing model file)."})
public final class ClassifyCommand implements Callable<Integer> {
    /** The bundled model, looked up in the working folder and beside the cvkit installation. */
    static final String DEFAULT_MODEL = "models/lenet5-mnist.safetensors";
    private static final Set<String> SAVE_EXT = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "M", description = "Model file (default: " + DEFAULT_MODEL + ").")
    Path model;

    @Option(names = "--top", paramLabel = "K", defaultValue = "1", description = "Report the K most probable classes (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Completions.Formats.class,
            description = "text (or table), jsonl, json or csv (default: text on a terminal, jsonl in a pipe).")
    OutputFormat format;

    @Option(names = "--save", paramLabel = "DIR", description = "Write each image with its label drawn into DIR (keeping relative paths).")
    Path save;

    @Option(names = "--exist-ok", description = "Write into a --save folder that already holds files (default: a new numbered folder, DIR2, DIR3 ...).")
    boolean existOk;

    @Mixin
    InputOptions input;

    @Mixin
    RunOptions run;

    @Mixin
    TimingOptions timing;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new UserError("--top must be at least 1, got " + top, ExitCodes.USAGE);
        }
        int threads = run.threadCount();
        int engineThreads = Parallel.threads();
        Parallel.setThreads(1); // images run in parallel; each forward pass on one thread
        try {
            return classify(threads);
        } finally {
            Parallel.setThreads(engineThreads);
        }
    }

    private int classify(int threads) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path modelFile = modelPath();
        OutputPlan plan = new OutputPlan(input.inputs, InputWalker::isImageName, err, run.quiet).reads("--model", modelFile);
        save = plan.folder("--save", save, existOk);
        ClassifierModel m = ClassifierModel.load(modelFile, Architectures.ZOO);
        ClassifyRecords records = new ClassifyRecords(m, top);
        OutputFormat fmt = OutputFormat.resolve(format);
        StageTimes times = new StageTimes();
        Progress progress = new Progress(err, "classify", run.quiet).times(times);
        InputCount.start(input.inputs, InputWalker::isImageName, progress);
        boolean[] first = {true};
        if (fmt == OutputFormat.CSV) {
            out.println("file,width,height,rank,class,index,score");
        } else if (fmt == OutputFormat.TEXT) {
            out.printf(Locale.ROOT, "%-40s %-16s %7s%s%n", "FILE", "CLASS", "SCORE", top > 1 ? "  NEXT" : "");
        } else if (fmt == OutputFormat.JSON) {
            out.print("[");
        }
        int code = BatchRunner.run(plan.items(InputWalker.images(input.inputs, System.in)), threads, item -> {
            long t0 = System.nanoTime();
            Lap lap = times.start();
            Pixels px = Pixels.read(item.path(), input.maxPixels);
            Result r = records.classify(px, t0, lap);
            lap.done();
            if (save != null) {
                write(item, px, r.prediction());
            }
            return r;
        }, (item, r) -> {
            switch (fmt) {
                case TEXT -> out.println(textRow(item, r) + (timing.timings ? String.format(Locale.ROOT, "  %.1f ms", r.millis()) : ""));
                case CSV -> {
                    for (int i = 0; i < r.prediction().indices().length; i++) {
                        out.printf(Locale.ROOT, "%s,%d,%d,%d,%s,%d,%.6f%n", csv(item.given()), r.width(), r.height(), i + 1,
                                csv(r.prediction().names()[i]), r.prediction().indices()[i], r.prediction().scores()[i]);
                    }
                }
                case JSON -> {
                    out.print(first[0] ? "\n" : ",\n");
                    out.print(ClassifyRecords.line(item.given(), r, timing.timings));
                    first[0] = false;
                }
                default -> out.println(ClassifyRecords.line(item.given(), r, timing.timings));
            }
            out.flush();
        }, progress, err, run.debug);
        if (fmt == OutputFormat.JSON) {
            out.println(first[0] ? "]" : "\n]");
            out.flush();
        }
        return code;
    }

    private Path modelPath() {
        if (model != null) {
            if (!Files.isRegularFile(model)) {
                throw new UserError(model + ": no such model file (--model)", ExitCodes.USAGE);
            }
            return model;
        }
        Path here = Path.of(DEFAULT_MODEL);
        if (Files.isRegularFile(here)) {
            return here;
        }
        try { // bin/cvkit runs target/cvkit.jar: the bundled model is in the checkout's models/
            Path jar = Path.of(ClassifyCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                Path p = dir.resolve(DEFAULT_MODEL);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        } catch (Exception e) {
            // fall through to the error below
        }
        throw new UserError("no --model given and the bundled " + DEFAULT_MODEL + " was not found", ExitCodes.USAGE);
    }

    private void write(InputItem item, Pixels px, Prediction p) throws IOException {
        Path rel = item.relative();
        String name = rel.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        if (!SAVE_EXT.contains(ext)) {
            ext = "png";
            rel = rel.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".png");
        }
        String label = String.format(Locale.ROOT, "%s %.0f%%", p.names()[0], 100 * p.scores()[0]);
        AtomicFiles.write(save.resolve(rel), LabelDrawing.draw(px, label, ext));
    }

    private String textRow(InputItem item, Result r) {
        Prediction p = r.prediction();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-40s %-16s %7.4f", item.given(), p.names()[0], p.scores()[0]));
        if (p.names().length > 1) {
            sb.append(' ');
            for (int i = 1; i < p.names().length; i++) {
                sb.append(String.format(Locale.ROOT, " %s %.4f", p.names()[i], p.scores()[i]));
            }
        }
        return sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
