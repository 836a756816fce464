package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.models.Architecture;
import dev.cvkit.models.Models;
import dev.cvkit.models.Summary;
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
        return names;
    }

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
                "  cvkit models summary resnet50 --input 3x160x160 --format json"})
    static final class SummaryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", completionCandidates = Completions.ModelNames.class,
                description = "Architecture or detector (see 'cvkit models').")
        String name;

        @Option(names = "--input", paramLabel = "CxHxW", description = "Input size (default: the architecture's).")
        String input;

        @Option(names = "--classes", paramLabel = "N",
                description = "Output classes of a classifier (default: the architecture's own: 10 for lenet5 and the CIFAR resnets, else 1000) or of a YOLO network (default 80).")
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
            if (yolo != null) return yoloSummary(yolo);
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
                err.printf("cvkit: note: %s runs %,d of its %,d parameters in fused kernels that are not traced: "
                        + "the table and the multiply-adds leave those layers out%n", shown, s.params() - traced, s.params());
                err.flush();
            }
            PrintWriter out = spec.commandLine().getOut();
            OutputFormat f = format == null ? (Terminal.stdoutIsTerminal() ? OutputFormat.TEXT : OutputFormat.JSON) : format;
            if (f == OutputFormat.CSV) throw new UserError("--format csv is not supported here (text, json, jsonl)", ExitCodes.USAGE);
            if (f == OutputFormat.TEXT) {
                out.printf("%-34s %-18s %-16s %14s %16s%n", "layer", "type", "output", "params", "MACs");
                for (Summary.Layer l : s.layers()) {
                    out.printf("%-34s %-18s %-16s %,14d %,16d%n", l.name(), l.type(), shape(l.output()), l.params(), l.macs());
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
                    lo.put("params", l.params());
                    lo.put("macs", l.macs());
                }
                out.println(f == OutputFormat.JSON ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) : JSON.writeValueAsString(o));
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** A YOLO network of the given form and scale, {@code --classes} (default 80) and a square {@code --input} (default 640²). */
        private int yoloSummary(String[] formScale) throws Exception {
            if (classes != null && classes < 1) throw new UserError("--classes must be at least 1", ExitCodes.USAGE);
            int[] chw = input != null ? parseInput(input) : new int[] {3, YOLO_INPUT, YOLO_INPUT};
            if (chw[0] != 3 || chw[1] != chw[2] || chw[1] % 32 != 0 || chw[1] < 64) {
                throw new UserError("--input " + input + ": YOLO takes 3xSxS with S a multiple of 32 (at least 64)", ExitCodes.USAGE);
            }
            dev.cvkit.detection.yolo.YoloSpec y = dev.cvkit.detection.yolo.YoloSpec.of(formScale[0], formScale[1],
                    classes != null ? classes : YOLO_CLASSES, chw[1]);
            Parallel.setThreads(run.threadCount());
            return print(Summary.of(formScale[0] + "-" + formScale[1], new dev.cvkit.detection.yolo.SummaryView(y.build()), 3, chw[1], chw[2]), chw);
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
