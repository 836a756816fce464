package dev.cvkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import dev.cvkit.segmentation.LabelImages;
import dev.cvkit.segmentation.SemanticModelFile;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit segment}: semantic segmentation of every input image with a model trained by cvkit. */
@Command(name = "segment",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        sortOptions = false,
        description = {"Segment images semantically: every pixel gets a class, with an FCN trained by",
            "'cvkit train --task segment'. Prints each class's share of the pixels per image."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit segment --model runs/fcn/best.safetensors shapes/val/",
                "  cvkit segment --model fcn.safetensors photos/ --masks masks/ --save out/",
                "  find photos -name '*.jpg' | cvkit segment --model fcn.safetensors -",
                "",
                "--masks writes palette PNGs (a byte per pixel: the class index, 0 background;",
                "PASCAL VOC's colours), DIR/sub/photo.png for sub/photo.jpg.",
                "",
                "Exit codes: 0 ok; 1 some input failed (the others are still written)",
                "or a bad model file; 2 usage error."})
public final class SegmentCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input;

    @Mixin
    RunOptions run;

    @Option(names = "--model", paramLabel = "FILE", description = "A semantic segmentation model file (best.safetensors of a 'train --task segment' run).")
    Path model;

    @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class,
            description = "text (or table), jsonl, json or csv (default: text on a terminal, jsonl in a pipe).")
    OutputFormat format;

    @Option(names = "--masks", paramLabel = "DIR", description = "Write label-map PNGs here (palette PNG, class index per pixel; same relative paths).")
    Path masks;

    @Option(names = "--save", paramLabel = "DIR", description = "Write colour overlays with a legend here (same relative paths).")
    Path save;

    @Option(names = "--exist-ok", description = "Write into --masks/--save folders that already hold files (default: a new numbered folder, DIR2, DIR3 ...).")
    boolean existOk;

    /** One image's result. */
    record Result(int width, int height, long[] counts) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (model == null) {
            throw new UserError("give --model FILE, a model trained by 'cvkit train --task segment' (no segmenter is bundled yet)", ExitCodes.USAGE);
        }
        if (!Files.exists(model)) throw new UserError(model + ": no such model file", ExitCodes.USAGE);
        OutputPlan plan = new OutputPlan(input.inputs, InputWalker::isImageName, err, run.quiet).reads("--model", model);
        masks = plan.folder("--masks", masks, existOk);
        save = plan.folder("--save", save, existOk);
        SemanticSegmenter seg = SemanticModelFile.read(model);
        List<String> names = new java.util.ArrayList<>();
        names.add("background");
        names.addAll(seg.classes());
        OutputFormat fmt = OutputFormat.resolve(format);
        int threads = run.threadCount();
        dev.cvkit.tensor.Parallel.setThreads(threads);
        var inputs = plan.items(InputWalker.images(input.inputs, System.in));
        ArrayNode all = JSON.createArrayNode();
        if (fmt == OutputFormat.CSV) out.println("file,width,height,class,index,pixels,share");
        if (fmt == OutputFormat.TEXT) out.printf("%-40s %11s  %s%n", "FILE", "SIZE", "CLASSES (share of pixels, background left out)");
        Progress progress = new Progress(err, "segment", run.quiet);
        InputCount.start(input.inputs, InputWalker::isImageName, progress);
        int code = BatchRunner.run(inputs, threads, item -> process(item, seg), (item, r) -> {
            switch (fmt) {
                case JSONL -> out.println(JSON.writeValueAsString(json(item, r, names)));
                case JSON -> all.add(json(item, r, names));
                case CSV -> {
                    double total = (double) r.width() * r.height();
                    for (int k = 0; k < names.size(); k++) {
                        out.printf(Locale.ROOT, "%s,%d,%d,%s,%d,%d,%.6f%n", csv(item.given()), r.width(), r.height(), csv(names.get(k)), k,
                                r.counts()[k], r.counts()[k] / total);
                    }
                }
                default -> out.printf("%-40s %11s  %s%n", item.given(), r.width() + "×" + r.height(), table(r, names));
            }
            out.flush();
        }, progress, err, run.debug);
        if (fmt == OutputFormat.JSON) out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        out.flush();
        return code;
    }

    private Result process(InputItem item, SemanticSegmenter seg) throws IOException {
        RgbImage img;
        try (Mat m = ImageDecoder.read(item.path(), input.maxPixels)) {
            img = RgbImage.fromMat(m);
        }
        SemanticSegmenter.Labels labels = seg.segment(img);
        if (masks != null) {
            Path target = stemPng(masks, item.relative());
            refuseInput(target, item.path());
            AtomicFiles.write(target, LabelImages.palettePng(labels));
        }
        if (save != null) {
            Path target = dev.cvkit.image.ImageEncoder.outputPath(save, item.relative());
            String name = target.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (!ext.equals("png") && !ext.equals("jpg") && !ext.equals("jpeg")) target = stemPng(save, item.relative());
            refuseInput(target, item.path());
            String out = target.getFileName().toString();
            AtomicFiles.write(target, LabelImages.encode(LabelImages.overlay(img, labels, seg.classes()), out.substring(out.lastIndexOf('.') + 1)));
        }
        return new Result(labels.width(), labels.height(), labels.counts(seg.classes().size() + 1));
    }

    /** DIR/sub/photo.png for sub/photo.jpg. */
    static Path stemPng(Path dir, Path relative) {
        String name = relative.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dir.resolve(relative.toString()).resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".png");
    }

    private static void refuseInput(Path target, Path input) throws IOException {
        if (Files.exists(target) && Files.isSameFile(target, input)) {
            throw new UserError("refusing to overwrite the input image " + input + " (choose another output folder)", ExitCodes.INPUT_FAILED);
        }
    }

    private static ObjectNode json(InputItem item, Result r, List<String> names) {
        ObjectNode n = JSON.createObjectNode();
        n.put("file", item.given());
        n.put("width", r.width());
        n.put("height", r.height());
        ObjectNode shares = n.putObject("shares");
        double total = (double) r.width() * r.height();
        for (int k = 0; k < names.size(); k++) shares.put(names.get(k), Math.round(r.counts()[k] / total * 1e6) / 1e6);
        return n;
    }

    private static String table(Result r, List<String> names) {
        double total = (double) r.width() * r.height();
        StringBuilder sb = new StringBuilder();
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int k = 1; k < names.size(); k++) if (r.counts()[k] > 0) order.add(k);
        order.sort((a, b) -> Long.compare(r.counts()[b], r.counts()[a]));
        for (int k : order) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.1f%%", names.get(k), 100 * r.counts()[k] / total));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
