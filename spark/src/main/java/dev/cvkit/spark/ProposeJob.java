package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.proposals.OpencvSelectiveSearch;
import dev.cvkit.proposals.Proposer;
import dev.cvkit.proposals.SelectiveSearch;
import dev.cvkit.proposals.SelectiveSearchMode;
import dev.cvkit.proposals.SlidingWindows;
import dev.cvkit.records.ProposeRecords;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cvkit-spark propose}: {@code cvkit propose} over many images, one JSON line per image. */
@Command(name = "propose", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Region proposals as 'cvkit propose' makes them (same options and JSON lines), on Spark.")
final class ProposeJob implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--method", paramLabel = "M", defaultValue = "selective-search",
            description = "selective-search, sliding-window or opencv (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "fast",
            description = "Selective-search diversification: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SelectiveSearchMode mode;

    @Option(names = "--max-side", paramLabel = "N", defaultValue = "500",
            description = "Resize so the longer side is N pixels before searching (0 = keep; default: ${DEFAULT-VALUE}).")
    int maxSide;

    @Option(names = "--top", paramLabel = "N", defaultValue = "2000", description = "Keep the N best-ranked proposals (0 = all; default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--min-size", paramLabel = "PX", defaultValue = "0", description = "Drop proposals narrower or lower than PX (default: ${DEFAULT-VALUE}).")
    int minSize;

    @Option(names = "--window-scales", paramLabel = "S,...", split = ",", description = "Sliding windows: sides as fractions of the shorter image side.")
    double[] windowScales = SlidingWindows.DEFAULT_SCALES;

    @Option(names = "--window-aspects", paramLabel = "A,...", split = ",", description = "Sliding windows: width/height ratios.")
    double[] windowAspects = SlidingWindows.DEFAULT_ASPECTS;

    @Option(names = "--window-stride", paramLabel = "F", defaultValue = "0.25", description = "Sliding windows: step as a fraction of the window (default: ${DEFAULT-VALUE}).")
    double windowStride;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed, as the CLI's (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--coco", paramLabel = "FILE", description = "Also merge all results of --output into one COCO results file (category 1, rank-derived score).")
    Path coco;

    @Option(names = "--gt", paramLabel = "DATASET.json", description = "With --coco: take the image ids from this COCO dataset.")
    Path gt;

    @Override
    public Integer call() throws Exception {
        if (maxSide < 0 || maxSide > 20000) {
            throw new UserError("--max-side must be between 0 and 20000, got " + maxSide, ExitCodes.USAGE);
        }
        if (top < 0) {
            throw new UserError("--top must be 0 (all) or positive, got " + top, ExitCodes.USAGE);
        }
        if (minSize < 0) {
            throw new UserError("--min-size must not be negative, got " + minSize, ExitCodes.USAGE);
        }
        if (gt != null && coco == null) {
            throw new UserError("--gt is used for the image ids of --coco output: give --coco FILE too", ExitCodes.USAGE);
        }
        Maker s = new Maker(method.toLowerCase(Locale.ROOT), mode, maxSide, top, minSize, windowScales, windowAspects, windowStride, seed, job.maxPixels);
        s.proposer(); // a bad method or window option is a usage error before any task runs
        try (Main.Context ctx = main.context("propose", job.master)) {
            int code = ImageRun.run(ctx.sc(), job, "propose", s, spec.commandLine().getErr());
            if (coco != null) {
                CocoMerge.write(ctx.sc(), RunDir.open(job.output, ctx.sc().hadoopConfiguration()), coco, gt, CocoMerge::proposals,
                        spec.commandLine().getErr(), job.quiet);
            }
            return code;
        }
    }

    /** What the executors build: the proposer of these options and the CLI's record maker. */
    record Maker(String method, SelectiveSearchMode mode, int maxSide, int top, int minSize, double[] scales, double[] aspects,
                double stride, long seed, long maxPixels) implements RecordMaker.Spec {
        @Override
        public String key() {
            return "propose " + method + " " + mode + " " + maxSide + " " + top + " " + minSize + " " + java.util.Arrays.toString(scales)
                    + java.util.Arrays.toString(aspects) + " " + stride + " " + seed + " " + maxPixels;
        }

        Proposer proposer() {
            return switch (method) {
                case "selective-search" -> new SelectiveSearch(mode, seed);
                case "opencv" -> new OpencvSelectiveSearch(mode);
                case "sliding-window" -> {
                    try {
                        yield new SlidingWindows(scales, aspects, stride);
                    } catch (IllegalArgumentException e) {
                        throw new UserError(e.getMessage(), ExitCodes.USAGE);
                    }
                }
                default -> throw new UserError("--method: '" + method + "' is not a method (choose selective-search, sliding-window or opencv)",
                        ExitCodes.USAGE);
            };
        }

        @Override
        public RecordMaker build() {
            // as the CLI: one OpenCV thread per image (tasks are the parallelism), seeded
            opencv_core.setNumThreads(1);
            opencv_core.setRNGSeed((int) seed);
            ProposeRecords records = new ProposeRecords(proposer(), maxSide, minSize, top);
            return (item, bytes, t0) -> {
                try (Mat img = ImageDecoder.decode(bytes, maxPixels)) {
                    return ProposeRecords.line(item.given(), records.propose(img, t0));
                }
            };
        }
    }
}
