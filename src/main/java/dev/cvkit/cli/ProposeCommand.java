package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvkit.UserError;
import dev.cvkit.coco.LeftOut;
import dev.cvkit.image.BoxDrawing;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.ImageEncoder;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import dev.cvkit.io.Json;
import dev.cvkit.records.ProposeRecords;
import dev.cvkit.records.ProposeRecords.Result;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.StageTimes;
import dev.cvkit.proposals.GroundTruth;
import dev.cvkit.proposals.OpencvSelectiveSearch;
import dev.cvkit.proposals.Proposer;
import dev.cvkit.proposals.SelectiveSearch;
import dev.cvkit.proposals.SelectiveSearchMode;
import dev.cvkit.proposals.SlidingWindows;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit propose}: class-agnostic region proposals for every input image. */
@Command(name = "propose",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        sortOptions = false,
        description = {"Propose object regions with selective search (or sliding windows), as R-CNN does before classifying them.",
            "Boxes are [x, y, w, h] in the original image's pixels, best-ranked first."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit propose samples/dog.jpg                       # a table on a terminal",
                "  cvkit propose samples/ --format jsonl > props.jsonl  # one line per image",
                "  find photos -name '*.jpg' | cvkit propose - --top 100 | jq '.proposals[0]'",
                "  cvkit propose samples/ --save out/ --draw 20   # annotated copies in out/",
                "  cvkit propose samples/ --method sliding-window --top 500",
                "  cvkit propose samples/ --coco props.json --gt samples/gt.json",
                "",
                "Exit codes: 0 ok, 1 some input failed (the others are still written),",
                "2 usage error."})
public final class ProposeCommand implements Callable<Integer> {
    /** How proposals are made. */
    public enum Method { SELECTIVE_SEARCH, SLIDING_WINDOW, OPENCV }

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input = new InputOptions();

    @Option(names = "--method", paramLabel = "M", defaultValue = "selective-search",
            converter = MethodConverter.class, completionCandidates = MethodConverter.Names.class,
            description = "selective-search (cvkit's, seeded ranking), sliding-window (the lecture's baseline) "
                    + "or opencv (OpenCV ximgproc's own, for comparison; its order is not seeded). Default: ${DEFAULT-VALUE}.")
    Method method;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "fast",
            description = "Selective-search diversification: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SelectiveSearchMode mode;

    @Option(names = "--max-side", paramLabel = "N", defaultValue = "500",
            description = "Resize so the longer side is N pixels before searching; boxes are mapped back (0 = keep; default: ${DEFAULT-VALUE}).")
    int maxSide;

    @Option(names = "--top", paramLabel = "N", defaultValue = "2000",
            description = "Keep the N best-ranked proposals (0 = all; default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--min-size", paramLabel = "PX", defaultValue = "0",
            description = "Drop proposals narrower or lower than PX original pixels (default: ${DEFAULT-VALUE}).")
    int minSize;

    @Option(names = "--window-scales", paramLabel = "S,...", split = ",",
            description = "Sliding windows: sides as fractions of the shorter image side (default: 1,0.75,0.5,0.35,0.25,0.125).")
    double[] windowScales = SlidingWindows.DEFAULT_SCALES;

    @Option(names = "--window-aspects", paramLabel = "A,...", split = ",",
            description = "Sliding windows: width/height ratios (default: 1,0.5,2).")
    double[] windowAspects = SlidingWindows.DEFAULT_ASPECTS;

    @Option(names = "--window-stride", paramLabel = "F", defaultValue = "0.25",
            description = "Sliding windows: step as a fraction of the window size (default: ${DEFAULT-VALUE}).")
    double windowStride;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--draw", paramLabel = "K", defaultValue = "50",
            description = "With --save: draw the K best-ranked boxes (default: ${DEFAULT-VALUE}).")
    int draw;

    @Mixin
    RunOptions run = new RunOptions();

    @Mixin
    TimingOptions timing = new TimingOptions();

    @Override
    public Integer call() throws Exception {
        validate();
        OutputFormat format = OutputFormat.resolve(output.format);
        if (format == OutputFormat.JSON) {
            throw new UserError("propose streams one result per image: use --format jsonl (or text, csv)", ExitCodes.USAGE);
        }
        int threads = run.threadCount();
        opencv_core.setNumThreads(1); // parallel over images; OpenCV's own pool would oversubscribe
        opencv_core.setRNGSeed((int) run.seed);
        ProposeRecords records = new ProposeRecords(proposer(), maxSide, minSize, top);
        if (output.gt != null && output.coco == null) {
            throw new UserError("--gt is used for the image ids of --coco output: give --coco FILE too", ExitCodes.USAGE);
        }
        if (output.strict && output.gt == null) {
            throw new UserError("--strict checks --coco against --gt: give --gt DATASET.json too", ExitCodes.USAGE);
        }
        LeftOut.Tally leftOut = new LeftOut.Tally();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputPlan plan = new OutputPlan(input.inputs, InputWalker::isImageName, err, run.quiet).reads("--gt", output.gt);
        output.coco = plan.file("--coco", output.coco);
        output.save = plan.folder("--save", output.save, output.existOk);
        GroundTruth gt = output.gt == null ? null : GroundTruth.load(output.gt);
        StageTimes times = new StageTimes();
        Progress progress = new Progress(err, "propose", run.quiet).times(times);
        InputCount.start(input.inputs, InputWalker::isImageName, progress);
        int[] imageIndex = {0};
        try (AtomicFiles.Pending coco = output.coco == null ? null : new AtomicFiles.Pending(output.coco)) {
            JsonGenerator cocoJson = coco == null ? null : Json.MAPPER.getFactory().createGenerator(coco.stream());
            if (cocoJson != null) {
                cocoJson.writeStartArray();
            }
            if (format == OutputFormat.TEXT) {
                out.printf("%-40s %11s %9s %s %s%n", "FILE", "SIZE", "PROPOSALS", timing.timings ? String.format("%9s ", "MS") : "",
                        "BEST BOX [x,y,w,h]");
            } else if (format == OutputFormat.CSV) {
                out.println("file,rank,x,y,w,h");
            }
            int code = BatchRunner.run(plan.items(InputWalker.images(input.inputs, System.in)), threads,
                    item -> process(item, records, times),
                    (item, r) -> {
                        imageIndex[0]++;
                        Long imageId = (long) imageIndex[0];
                        if (gt != null) {
                            GroundTruth.Image im = gt.byFile(item.given());
                            if (im == null) {
                                leftOut.image(item.given(), r.boxes().length);
                            }
                            imageId = im == null ? null : im.id();
                        }
                        print(out, format, item, r);
                        if (cocoJson != null && imageId != null) {
                            writeCoco(cocoJson, imageId, r.boxes());
                        }
                    },
                    progress, err, run.debug);
            if (cocoJson != null) {
                cocoJson.writeEndArray();
                cocoJson.flush();
                coco.commit();
            }
            out.flush();
            if (gt != null) {
                int gtCode = LeftOutReport.report(leftOut.result(), output.coco.toString(), output.gt, output.strict, run.quiet, err);
                return code == ExitCodes.OK ? gtCode : code;
            }
            return code;
        }
    }

    private Result process(InputItem item, ProposeRecords records, StageTimes times) throws Exception {
        long t0 = System.nanoTime();
        Lap lap = times.start();
        try (Mat img = ImageDecoder.read(item.path(), input.maxPixels)) {
            Result r = records.propose(img, t0, lap);
            lap.done();
            if (output.save != null) {
                int[][] boxes = r.boxes();
                java.util.List<BoxDrawing.Box> shown = new java.util.ArrayList<>();
                for (int i = 0; i < Math.min(draw, boxes.length); i++) { // best first: drawn last, on top
                    int[] b = boxes[i];
                    shown.add(new BoxDrawing.Box(b[0], b[1], b[2], b[3], i < 10 ? "#" + (i + 1) : "", i));
                }
                BoxDrawing.draw(img, shown);
                ImageEncoder.write(img, ImageEncoder.outputPath(output.save, item.relative()), item.path());
            }
            return r;
        }
    }

    private void print(PrintWriter out, OutputFormat format, InputItem item, Result r) throws java.io.IOException {
        switch (format) {
            case TEXT -> {
                String best = r.boxes().length == 0 ? "-" : java.util.Arrays.toString(r.boxes()[0]).replace(" ", "");
                out.printf(Locale.ROOT, "%-40s %11s %9d %s %s%n", item.given(), r.width() + "x" + r.height(), r.boxes().length,
                        timing.timings ? String.format(Locale.ROOT, "%9.1f ", r.ms()) : "", best);
            }
            case CSV -> {
                String file = csvQuote(item.given());
                for (int i = 0; i < r.boxes().length; i++) {
                    int[] b = r.boxes()[i];
                    out.printf(Locale.ROOT, "%s,%d,%d,%d,%d,%d%n", file, i + 1, b[0], b[1], b[2], b[3]);
                }
            }
            default -> out.println(ProposeRecords.line(item.given(), r, timing.timings));
        }
        out.flush();
    }

    private static void writeCoco(JsonGenerator g, long imageId, int[][] boxes) throws java.io.IOException {
        for (int i = 0; i < boxes.length; i++) {
            int[] b = boxes[i];
            g.writeStartObject();
            g.writeNumberField("image_id", imageId);
            g.writeNumberField("category_id", 1);
            g.writeArrayFieldStart("bbox");
            for (int v : b) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeNumberField("score", 1.0 - (double) i / boxes.length); // rank-derived, strictly decreasing
            g.writeEndObject();
        }
    }

    private static String csvQuote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private Proposer proposer() {
        return switch (method) {
            case SELECTIVE_SEARCH -> new SelectiveSearch(mode, run.seed);
            case OPENCV -> new OpencvSelectiveSearch(mode);
            case SLIDING_WINDOW -> {
                try {
                    yield new SlidingWindows(windowScales, windowAspects, windowStride);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage(), ExitCodes.USAGE);
                }
            }
        };
    }

    private void validate() {
        if (maxSide < 0 || maxSide > 20000) {
            throw new UserError("--max-side must be between 0 and 20000, got " + maxSide, ExitCodes.USAGE);
        }
        if (top < 0) {
            throw new UserError("--top must be 0 (all) or positive, got " + top, ExitCodes.USAGE);
        }
        if (minSize < 0) {
            throw new UserError("--min-size must not be negative, got " + minSize, ExitCodes.USAGE);
        }
        if (draw < 0) {
            throw new UserError("--draw must not be negative, got " + draw, ExitCodes.USAGE);
        }
        if (input.maxPixels < 1) {
            throw new UserError("--max-pixels must be positive, got " + input.maxPixels, ExitCodes.USAGE);
        }
    }

    /** Accepts the hyphenated method names users type. */
    static final class MethodConverter implements picocli.CommandLine.ITypeConverter<Method> {
        @Override
        public Method convert(String value) {
            for (Method m : Method.values()) {
                if (m.name().replace('_', '-').equalsIgnoreCase(value)) {
                    return m;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not a method (choose selective-search, sliding-window or opencv)");
        }

        /** Completion candidates. */
        static final class Names extends java.util.ArrayList<String> {
            Names() {
                super(java.util.List.of("selective-search", "sliding-window", "opencv"));
            }
        }
    }
}
