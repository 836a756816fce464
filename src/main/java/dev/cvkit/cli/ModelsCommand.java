package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.models.Architecture;
import dev.cvkit.models.Models;
import dev.cvkit.models.Summary;
import dev.cvkit.detection.training.DetectorFamilies;
import dev.cvkit.detection.training.DetectorSummary;
import dev.cvkit.detection.training.TrainableDetector;
import dev.cvkit.tensor.Parallel;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cvkit models}: lists the classifier architectures, the detectors and the person segmenters; {@code models summary NAME} prints a layer table. */
@Command(name = "models", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the classification architectures cvkit builds, the bundled detectors and person segmenters.",
        subcommands = {ModelsCommand.SummaryCommand.class, ModelsImportCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit models",
                "  cvkit models summary resnet18",
                "  cvkit models summary nanodet",
                "  cvkit models import --from tfjs PATH --arch nanodet \\",
                "      --out models/nanodet.safetensors",
                "  cvkit models summary alexnet --format json | jq .layers[0]"})
public final class ModelsCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class,
            description = "text or jsonl (default: text on a terminal, jsonl when piped).")
    OutputFormat format;

    /** A bundled detector as {@code cvkit detect --model NAME} knows it. */
    record DetectorInfo(String name, dev.cvkit.detection.Architecture arch, int input, String description) {}

    /** The detectors of {@code detect --model}, by their short names ({@code face} is {@code face-ssd}). */
    static final List<DetectorInfo> DETECTORS = List.of(
            new DetectorInfo("centernet", dev.cvkit.detection.Architecture.CENTERNET, dev.cvkit.detection.CenterNetNet.INPUT,
                    "MB3-CenterNet (human-models): 80 COCO classes; cvkit detect's default"),
            new DetectorInfo("nanodet", dev.cvkit.detection.Architecture.NANODET, dev.cvkit.detection.NanoDetNet.INPUT,
                    "NanoDet (human-models): 80 COCO classes"),
            new DetectorInfo("face-ssd", dev.cvkit.detection.Architecture.SSD_MOBILENETV1_FACE, dev.cvkit.detection.SsdMobileNetV1Face.INPUT,
                    "face-api's SSD-MobileNetV1 face detector (--model face)"),
            new DetectorInfo("face-tiny", dev.cvkit.detection.Architecture.TINY_FACE, 416, "face-api's Tiny face detector"));

    static List<String> detectorNames() {
        List<String> names = new java.util.ArrayList<>(DETECTORS.stream().map(DetectorInfo::name).toList());
        names.addAll(YOLO_NAMES);
        names.addAll(TRAINED);
        return names;
    }

    /** The other detector families {@code cvkit train --task detect --arch} trains, summarised by their {@code --arch} name. */
    static final List<String> TRAINED = DetectorFamilies.names().stream()
            .filter(n -> !n.equals(dev.cvkit.detection.yolo.YoloSpec.YOLO) && !n.equals(dev.cvkit.detection.yolo.YoloSpec.YOLOV1)).toList();
    /** Their default summary input: cvkit's training size (--imgsz 160); classes default to COCO's 80 as YOLO's. */
    static final int TRAINED_INPUT = 160;

    /** The YOLO networks cvkit trains, by form and scale ({@code yolo} is {@code yolo-n}, {@code yolov1} is {@code yolov1-n}). */
    static final List<String> YOLO_NAMES = List.of("yolo-n", "yolo-s", "yolo-m", "yolov1-n", "yolov1-s", "yolov1-m");
    /** Their default summary input (Ultralytics' 640²) and classes (COCO's 80), so the counts compare with Ultralytics'. */
    static final int YOLO_INPUT = 640, YOLO_CLASSES = 80;

    /** The YOLO form and scale called {@code name}, or null. */
    static String[] yolo(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("yolo") || n.equals("yolov1")) n += "-n";
        return YOLO_NAMES.contains(n) ? n.split("-") : null;
    }

    /** The detector called {@code name} ({@code face} = {@code face-ssd}), or null. */
    static DetectorInfo detector(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        for (DetectorInfo d : DETECTORS) {
            if (d.name().equals(n.equals("face") ? "face-ssd" : n)) {
                return d;
            }
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat f = OutputFormat.resolve(format);
        for (Architecture a : Architecture.values()) {
            row(out, f, a.cliName(), "classify", new int[] {a.defaultChannels, a.defaultSize, a.defaultSize}, a.description);
        }
        for (DetectorInfo d : DETECTORS) {
            row(out, f, d.name(), "detect", new int[] {3, d.input(), d.input()}, d.description());
        }
        for (String t : TRAINED) {
            row(out, f, t, "detect", new int[] {3, TRAINED_INPUT, TRAINED_INPUT}, "cvkit train --task detect --arch " + t
                    + " (default backbone; untrained here)");
        }
        for (String y : YOLO_NAMES) {
            row(out, f, y, "detect", new int[] {3, YOLO_INPUT, YOLO_INPUT}, (y.startsWith("yolov1") ? "YOLO v1 grid detector" : "anchor-free YOLO")
                    + ", scale " + y.substring(y.length() - 1) + " (cvkit train --task detect --arch " + y.substring(0, y.indexOf('-'))
                    + " --scale " + y.substring(y.length() - 1) + "; untrained here)");
        }
        row(out, f, "meet", "segment", new int[] {3, 144, 256}, "MediaPipe Meet person segmentation (human-models); cvkit segment's default");
        row(out, f, "selfie", "segment", new int[] {3, 256, 256}, "MediaPipe Selfie person segmentation (human-models)");
        out.flush();
        return ExitCodes.OK;
    }

    private static void row(PrintWriter out, OutputFormat f, String name, String task, int[] chw, String description) throws Exception {
        if (f == OutputFormat.TEXT) {
            out.printf("%-14s %-8s %-11s %s%n", name, task, chw[0] + "x" + chw[1] + "x" + chw[2], description);
        } else {
            ObjectNode o = JSON.createObjectNode();
            o.put("name", name);
            o.put("task", task);
            o.putArray("input").add(chw[0]).add(chw[1]).add(chw[2]);
            o.put("description", description);
            out.println(JSON.writeValueAsString(o));
        }
    }

    /** {@code cvkit models summary NAME}: per-layer output shape, parameters, multiply-adds. */
    @Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Per layer: output shape, parameters and multiply-adds (like the lecture's tables).",
            footerHeading = "%nExamples:%n",
            footer = {"  cvkit models summary alexnet", "  cvkit models summary nanodet", "  cvkit models summary yolo-n --input 3x160x160 --classes 5",
                "  cvkit models summary ssd --backbone vgg16 --input 3x300x300", "  cvkit models summary runs/detect/yolo/best.safetensors",
                "  cvkit models summary resnet50 --input 3x160x160 --format json"})
    static final class SummaryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", completionCandidates = Completions.ModelNames.class,
                description = "Architecture, detector or detector family (see 'cvkit models'), or a model file (.safetensors) cvkit trained.")
        String name;

        @Option(names = "--backbone", paramLabel = "NAME",
                description = "Backbone of a detector family (default: the family's, as cvkit train --task detect).")
        String backbone;

        @Option(names = "--input", paramLabel = "CxHxW", description = "Input size (default: the architecture's).")
        String input;

        @Option(names = "--classes", paramLabel = "N",
                description = "Output classes of a classifier (default: the architecture's own: 10 for lenet5 and the CIFAR resnets, else 1000) or object classes of a detector family (default 80).")
        Integer classes;

        @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class,
                description = "text, json or jsonl (default: text on a terminal, json when piped).")
        OutputFormat format;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            Architecture a = Architecture.parse(name);
            DetectorInfo d = a == null ? detector(name) : null;
            String[] yolo = a == null && d == null ? yolo(name) : null;
            if (yolo != null) return familySummary(yolo[0], yolo[1], YOLO_INPUT);
            String family = name.trim().toLowerCase(java.util.Locale.ROOT);
            if (a == null && d == null && TRAINED.contains(family)) return familySummary(family, null, TRAINED_INPUT);
            if (a == null && d == null && (name.endsWith(".safetensors") || java.nio.file.Files.isRegularFile(java.nio.file.Path.of(name)))) {
                return fileSummary(java.nio.file.Path.of(name));
            }
            if (backbone != null) throw new UserError("--backbone is for detector families (" + String.join(", ", TRAINED) + ")", ExitCodes.USAGE);
            if (a == null && d == null) {
                throw new UserError("unknown architecture '" + name + "' (one of: "
                        + Arrays.stream(Architecture.values()).map(Architecture::cliName).collect(Collectors.joining(", "))
                        + "; detectors: " + String.join(", ", detectorNames()) + ")", ExitCodes.USAGE);
            }
            if (d != null && classes != null) {
                throw new UserError("--classes is for classifiers; " + d.name() + " has its own classes", ExitCodes.USAGE);
            }
            if (classes != null && classes < 1) throw new UserError("--classes must be at least 1", ExitCodes.USAGE);
            int[] chw = input != null ? parseInput(input)
                    : a != null ? new int[] {a.defaultChannels, a.defaultSize, a.defaultSize} : new int[] {3, d.input(), d.input()};
            Parallel.setThreads(run.threadCount());
            Summary.Result s;
            String shown = a != null ? a.cliName() : d.name();
            try {
                s = Summary.of(shown, a != null ? Models.buildUninitialized(a, classes != null ? classes : a.defaultClasses())
                        : d.arch().newNetwork(), chw[0], chw[1], chw[2]);
            } catch (IllegalArgumentException e) {
                throw new UserError("--input " + input + " does not fit " + shown + " (" + e.getMessage() + ")", ExitCodes.USAGE);
            }
            return print(s, chw);
        }

        private int print(Summary.Result s, int[] chw) throws Exception {
            String shown = s.name();
            long traced = s.layers().stream().mapToLong(Summary.Layer::params).sum();
            if (traced < s.params() && !run.quiet) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf("cvkit: note: %,d of %s's %,d parameters are in no traced layer (fused kernels, or weights its inference "
                        + "does not use): the table and the multiply-adds leave them out%n", s.params() - traced, shown, s.params());
                err.flush();
            }
            int regions = s.layers().stream().mapToInt(Summary.Layer::rows).max().orElse(1);
            if (regions != 1 && !run.quiet) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf("cvkit: note: the layers marked x%d ran once per region of this (black) image, %d regions; "
                        + "their multiply-adds scale with the regions of a real one%n", regions, regions);
                err.flush();
            }
            PrintWriter out = spec.commandLine().getOut();
            OutputFormat f = format == null ? (Terminal.stdoutIsTerminal() ? OutputFormat.TEXT : OutputFormat.JSON) : format;
            if (f == OutputFormat.CSV) throw new UserError("--format csv is not supported here (text, json, jsonl)", ExitCodes.USAGE);
            if (f == OutputFormat.TEXT) {
                int w = Math.max(34, s.layers().stream().mapToInt(l -> l.name().length()).max().orElse(0));
                out.printf("%-" + w + "s %-18s %-16s %14s %16s%n", "layer", "type", "output", "params", "MACs");
                for (Summary.Layer l : s.layers()) {
                    String sh = shape(l.output()) + (l.rows() == 1 ? "" : " x" + l.rows());
                    out.printf("%-" + w + "s %-18s %-16s %,14d %,16d%n", l.name(), l.type(), sh, l.params(), l.macs());
                }
                out.printf("%s: %,d parameters, %,d multiply-adds for a %s input%n", s.name(), s.params(), s.macs(), shape(chw));
            } else {
                ObjectNode o = JSON.createObjectNode();
                o.put("name", s.name());
                o.put("params", s.params());
                o.put("macs", s.macs());
                o.putArray("input").add(chw[0]).add(chw[1]).add(chw[2]);
                ArrayNode layers = o.putArray("layers");
                for (Summary.Layer l : s.layers()) {
                    ObjectNode lo = layers.addObject();
                    lo.put("name", l.name());
                    lo.put("type", l.type());
                    ArrayNode sh = lo.putArray("output");
                    for (int dim : l.output()) sh.add(dim);
                    if (l.rows() != 1) lo.put("rows", l.rows());
                    lo.put("params", l.params());
                    lo.put("macs", l.macs());
                }
                out.println(f == OutputFormat.JSON ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) : JSON.writeValueAsString(o));
            }
            out.flush();
            return ExitCodes.OK;
        }

        /**
         * A fresh network of a family cvkit trains, {@code --backbone}, {@code --classes} (default
         * 80) and {@code --input} (default {@code side}²), run as {@code detect} runs it.
         */
        private int familySummary(String family, String scale, int side) throws Exception {
            if (classes != null && classes < 1) throw new UserError("--classes must be at least 1", ExitCodes.USAGE);
            boolean yoloForm = scale != null;
            int[] chw = input != null ? parseInput(input) : new int[] {3, side, side};
            if (yoloForm && (chw[0] != 3 || chw[1] != chw[2] || chw[1] % 32 != 0 || chw[1] < 64)) {
                throw new UserError("--input " + input + ": YOLO takes 3xSxS with S a multiple of 32 (at least 64)", ExitCodes.USAGE);
            }
            if (!yoloForm && (chw[0] != 3 || Math.min(chw[1], chw[2]) < 32)) {
                throw new UserError("--input " + input + ": " + family + " takes 3xHxW with sides of at least 32", ExitCodes.USAGE);
            }
            String shown = yoloForm ? family + "-" + scale : family;
            TrainableDetector det;
            try {
                det = DetectorSummary.create(family, backbone, scale, classes != null ? classes : YOLO_CLASSES, Math.max(chw[1], chw[2]));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), ExitCodes.USAGE);
            }
            Parallel.setThreads(run.threadCount());
            return print(DetectorSummary.of(shown, det, chw[1], chw[2]), chw);
        }

        /** A detector or classifier model file, at the input size it was trained for. */
        private int fileSummary(java.nio.file.Path file) throws Exception {
            if (input != null || classes != null || backbone != null) {
                throw new UserError(file + ": a model file has its own input size, classes and backbone (no --input, --classes or --backbone)",
                        ExitCodes.USAGE);
            }
            dev.cvkit.io.SafeTensors.Contents c = dev.cvkit.io.SafeTensors.read(file);
            com.fasterxml.jackson.databind.JsonNode cfg;
            try {
                cfg = JSON.readTree(c.config() == null ? "{}" : c.config());
            } catch (java.io.IOException e) {
                throw new UserError(file + ": bad model file: config metadata is not valid JSON", ExitCodes.INPUT_FAILED);
            }
            String shown = file.getFileName().toString();
            Parallel.setThreads(run.threadCount());
            if ("classify".equals(cfg.path("task").asText())) {
                dev.cvkit.classify.ClassifierModel m = dev.cvkit.classify.ClassifierModel.load(file, dev.cvkit.classify.Architectures.ZOO);
                dev.cvkit.image.Preprocessing p = m.preprocessing();
                return print(Summary.of(shown, m.net(), p.channels(), p.height(), p.width()), new int[] {p.channels(), p.height(), p.width()});
            }
            if (!"detect".equals(cfg.path("task").asText()) || DetectorFamilies.get(cfg.path("architecture").asText("")) == null) {
                throw new UserError(file + ": is not a model file cvkit trained (a classifier or a detector of "
                        + String.join(", ", DetectorFamilies.names()) + ")", ExitCodes.INPUT_FAILED);
            }
            TrainableDetector det;
            int side;
            try {
                det = DetectorFamilies.rebuild(cfg, c.tensors());
                side = DetectorSummary.trainedSide(cfg);
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": bad model file: " + e.getMessage(), ExitCodes.INPUT_FAILED);
            }
            return print(DetectorSummary.of(shown, det, side, side), new int[] {3, side, side});
        }

        private static String shape(int[] s) {
            return Arrays.stream(s).mapToObj(Integer::toString).collect(Collectors.joining("x"));
        }

        static int[] parseInput(String s) {
            String[] p = s.toLowerCase().split("x");
            try {
                if (p.length != 3) throw new NumberFormatException();
                int[] r = {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())};
                if (r[0] < 1 || r[1] < 1 || r[2] < 1 || (long) r[0] * r[1] * r[2] > 100_000_000L) throw new NumberFormatException();
                return r;
            } catch (NumberFormatException e) {
                throw new UserError("--input '" + s + "' is not CxHxW with positive sizes (e.g. 3x224x224)", ExitCodes.USAGE);
            }
        }
    }
}
