package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoEval;
import dev.cvkit.coco.StatGates;
import dev.cvkit.coco.CocoFiles;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.IouType;
import dev.cvkit.coco.CocoReport;
import dev.cvkit.coco.PrCurvePlots;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorEval;
import dev.cvkit.detection.DetectorFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvkit eval}: evaluation modes chosen by which options are given: COCO evaluation of a
 * results file ({@code --gt} + {@code --dt}), proposal recall ({@code --proposals} + {@code --gt}),
 * and a model on a dataset ({@code --model} + {@code --data}): a detector (a short name such as
 * nanodet, or a model file whose config says task "detect") on a COCO dataset, evaluated by
 * {@link DetectorEval}, else a classifier ({@link ClassifyEvalMode}). Each mode is one method;
 * the choice and its usage errors live in {@link #mode()}.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate results against ground truth.",
            "COCO mode (--gt + --dt): bbox or segm AP/AR with pycocotools' definitions and numbers.",
            "Proposal mode (--proposals + --gt): recall at IoU 0.5/0.7 and MABO for 10 ... 2000 and all proposals.",
            "Detector mode (--model DETECTOR + --data COCO.json): runs the detector over the dataset's images and reports the same "
                    + "12 COCO stats; detections are matched to categories by class name. --conf defaults to 0.05, the usual threshold "
                    + "for evaluating detectors (a higher one cuts the precision-recall curve short).",
            "Instance mode (--model MASK_RCNN + --data COCO.json): segm AP (or --iou-type bbox) of the model over the dataset's "
                    + "images, --conf 0.001 by default.",
            "Classifier mode (--model CLASSIFIER + --data): top-1/top-5, per-class precision/recall/F1, confusion matrix.",
            "Semantic mode (--semantic --gt LABELS_DIR|GT.json --pred MASKS_DIR, or --model FCN + --data GT.json or --data IMAGES_DIR --labels LABELS_DIR): pixel accuracy, "
                    + "per-class IoU, mIoU and frequency-weighted IoU of one confusion matrix summed over all pixels, ground-truth "
                    + "pixels of 255 left out (torchvision's references/segmentation). Label maps are one-channel PNGs of class indices."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit eval --gt instances_val.json --dt results.json",
                "  cvkit eval --gt gt.json --dt masks.json --iou-type segm --per-class \\",
                "      --format json",
                "  cvkit detect photos/ > det.jsonl",
                "  cvkit eval --gt gt.json --dt det.jsonl --min AP=0.30,AP50=0.50",
                "  cvkit propose samples/ > props.jsonl",
                "  cvkit eval --proposals props.jsonl --gt samples/gt.json",
                "  cvkit eval --model nanodet --data samples/gt.json --min AP50=0.80",
                "  cvkit eval --model face --data faces/instances.json --images faces/img \\",
                "      --per-class --plots pr/",
                "  cvkit eval --model runs/classify/lenet5/best.safetensors \\",
                "      --data data/cache/mnist --split test --min top1=0.99",
                "  cvkit segment --model fcn.safetensors val/ --masks pred/",
                "  cvkit eval --semantic --gt val.json --pred pred/ --min miou=0.70",
                "  cvkit eval --semantic --gt labels/ --pred pred/ --plots plots/",
                "  cvkit eval --model fcn.safetensors --data val.json --format json",
                "  cvkit eval --model fcn.safetensors --data val/img --labels val/cls",
                "  cvkit eval --model runs/maskrcnn/best.safetensors --data val.json \\",
                "      --min AP=0.30",
                "",
                "Exit codes: 0 ok; 1 a file is malformed or does not match the ground truth",
                "(or, with --strict, names images or categories it lacks); 2 usage error or",
                "missing file; 3 a --min gate was missed."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gt", paramLabel = "GT.json", description = "COCO ground truth (images, annotations, categories).")
    Path gt;

    @Option(names = "--dt", paramLabel = "RESULTS",
            description = "Results: a COCO results JSON array, or JSON Lines as cvkit's commands write them "
                    + "(one object per image: file, width, height, detections).")
    Path dt;

    @Option(names = "--semantic",
            description = "Semantic mode: score the label maps under --pred against --gt (a folder of label-map PNGs, or a COCO "
                    + "instances file whose polygons and RLEs are rasterised; its images need not be present).")
    boolean semantic;

    @Option(names = "--pred", paramLabel = "MASKS_DIR",
            description = "Semantic mode: predicted label maps, at the relative path of their ground truth (folder --gt) or of "
                    + "the image's file_name with .png (COCO --gt), as 'cvkit segment --masks' writes them.")
    Path pred;

    @Option(names = "--proposals", paramLabel = "RESULTS",
            description = "Proposal mode: cvkit propose's JSON Lines or a COCO results file (ranked by score), scored against --gt.")
    Path proposals;

    @Option(names = "--strict",
            description = "With --dt or --proposals: results for an image or a category that --gt lacks are errors (exit 1). "
                    + "By default they are left out, as pycocotools leaves out other categories, with one counted warning line each.")
    boolean strict;

    @Option(names = "--iou-type", paramLabel = "TYPE", defaultValue = "bbox",
            description = "bbox or segm (default: ${DEFAULT-VALUE}).")
    IouType iouType;

    @Option(names = "--max-dets", paramLabel = "N,N,N", split = ",",
            description = "The three per-image detection limits (default: 1,10,100). "
                    + "As in pycocotools, AP (the first stat) is reported at maxDets=100 and is -1 if 100 is not among them.")
    List<Integer> maxDets;

    @Option(names = "--per-class", description = "Also report AP, AP50, AP75 and AR per category.")
    boolean perClass;

    @Option(names = "--plots", paramLabel = "DIR",
            description = "Write precision-recall curves (overall and per class) as PNG files into DIR; classifier and semantic modes: confusion.png.")
    Path plots;

    @Option(names = "--min", paramLabel = "STAT=VALUE", split = ",",
            description = "Quality gate: exit 3 if a stat is below its minimum, e.g. AP=0.30,AP50=0.50. "
                    + "Stats: AP AP50 AP75 APs APm APl AR1 AR10 AR100 ARs ARm ARl; classifier mode: top1 top5 precision recall f1; "
                    + "semantic mode: pixel_acc miou fwiou.")
    Map<String, Double> min = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", completionCandidates = Completions.Formats.class,
            description = "text or table (pycocotools' 12-line summary; a table in proposal mode), json, or csv in proposal mode (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--model", paramLabel = "M", completionCandidates = Completions.Detectors.class,
            description = "A detector (centernet, nanodet, face, face-ssd, face-tiny or a detector model file), a classifier, a semantic segmentation (FCN) or an instance segmentation (Mask R-CNN) model trained by 'cvkit train'.")
    String model;

    @Option(names = "--data", paramLabel = "D",
            description = "Detector and semantic modes: a COCO dataset JSON (semantic: or a folder of images with --labels). Classifier mode: labelled data (class folders, idx folder, or .csv/.jsonl list).")
    Path data;

    @Option(names = "--labels", paramLabel = "DIR",
            description = "Semantic model mode: --data is a folder of images and DIR holds their label-map PNGs (IMAGES/sub/x.jpg: DIR/sub/x.png).")
    Path labels;

    @Option(names = "--ignore-index", paramLabel = "N", defaultValue = "255",
            description = "Semantic mode with --gt LABELS_DIR, or --model FCN with --labels: the ground-truth label value that counts in no metric (default: ${DEFAULT-VALUE}).")
    int ignoreIndex;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Detector and semantic modes: the folder the dataset's file_names are relative to (default: the folder of --data, or the one named like it: val/ for val.json).")
    Path images;

    @Option(names = "--conf", converter = Ranges.Fraction.class, paramLabel = "P",
            description = "Detector mode: minimum score of a detection (default: 0.05 for the bundled detectors, 0.001 for models trained by cvkit, as each is evaluated).")
    Float conf;

    @Option(names = "--iou", converter = Ranges.Fraction.class, paramLabel = "T", description = "Detector mode: NMS IoU threshold (default: the model's).")
    Float iou;

    @Option(names = "--max-det", converter = Ranges.PositiveInt.class, paramLabel = "N", description = "Detector mode: at most N detections per image (default: the model's, 100).")
    Integer maxDet;

    @Option(names = "--split", paramLabel = "SPLIT",
            description = "Classifier mode: which part of --data: train, test or val (default: test where there is one, else all of it).")
    String split;

    @Option(names = "--batch", converter = Ranges.PositiveInt.class, paramLabel = "B", description = "Classifier mode: batch size (default: 128).")
    Integer batch;

    @Option(names = "--max-pixels", converter = Ranges.PositiveLong.class, paramLabel = "N", defaultValue = "100000000",
            description = "Detector and classifier modes: refuse images with more pixels than this (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Mixin
    RunOptions run;

    private enum Mode { COCO, PROPOSALS, DETECT, CLASSIFY, SEMANTIC, SEMANTIC_MODEL, INSTANCE_MODEL }


    @Override
    public Integer call() throws IOException {
        return switch (mode()) {
            case COCO -> runCoco();
            case PROPOSALS -> ProposalEvalMode.run(proposals, gt, proposalFormat(), strict, run.quiet,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            case DETECT -> runDetector();
            case INSTANCE_MODEL -> runInstances();
            case SEMANTIC -> SemanticEvalMode.files(gt, pred, images, ignoreIndex, semanticSettings(), spec.commandLine().getOut(), spec.commandLine().getErr());
            case SEMANTIC_MODEL -> SemanticEvalMode.model(Path.of(model), data, images, labels, ignoreIndex, run.threadCount(), semanticSettings(),
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            case CLASSIFY -> ClassifyEvalMode.run(Path.of(model), data, split, batch == null ? 128 : batch, jsonFormat(), perClass, plots,
                    min, maxPixels, run, spec.commandLine().getOut(), spec.commandLine().getErr());
        };
    }

    private SemanticEvalMode.Settings semanticSettings() {
        return new SemanticEvalMode.Settings(jsonFormat(), plots, min, maxPixels, run.quiet);
    }

    private boolean jsonFormat() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "text", "table" -> false;
            case "json", "jsonl" -> true;
            default -> throw usage("--format must be text or json, got '" + format + "'");
        };
    }

    private OutputFormat proposalFormat() {
        try {
            return OutputFormat.parse(format);
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw usage("--format must be text, json or csv, got '" + format + "'");
        }
    }

    /** Which evaluation the given options ask for; a usage error if none or a mix. */
    private Mode mode() {
        Mode m = chooseMode();
        if (m != Mode.SEMANTIC_MODEL && labels != null) {
            throw usage("--labels goes with --model FCN --data IMAGES_DIR (a semantic model on a label-map folder)");
        }
        if (m != Mode.SEMANTIC_MODEL && m != Mode.SEMANTIC && spec.commandLine().getParseResult().hasMatchedOption("--ignore-index")) {
            throw usage("--ignore-index goes with --semantic --gt LABELS_DIR or --model FCN --data IMAGES_DIR --labels LABELS_DIR");
        }
        return m;
    }

    private Mode chooseMode() {
        if (semantic || pred != null) {
            if (model != null || data != null || dt != null || proposals != null) {
                throw usage("--semantic --gt G --pred P scores label maps; for a model give --model FCN --data GT.json without --semantic");
            }
            if (gt == null || pred == null) throw usage(gt == null ? "--semantic needs --gt LABELS_DIR|GT.json" : "--semantic needs --pred MASKS_DIR");
            if (strict || conf != null || iou != null || maxDet != null || maxDets != null || perClass) {
                throw usage("--strict, --conf, --iou, --max-det, --max-dets and --per-class are for COCO and detector modes, not --semantic");
            }
            return Mode.SEMANTIC;
        }
        if (model != null || data != null) {
            if (gt != null || dt != null || proposals != null) {
                throw usage("give either --model/--data (classifier) or --gt with --dt/--proposals, not both");
            }
            if (model == null || data == null) {
                throw usage(model == null ? "--data needs --model M" : "--model needs --data D");
            }
            if (strict) {
                throw usage("--strict goes with --gt and --dt or --proposals");
            }
            if (Files.isRegularFile(Path.of(model))
                    && dev.cvkit.detection.rcnn.MaskRcnnSpec.ARCHITECTURE.equals(dev.cvkit.segmentation.InstanceModelFile.architecture(Path.of(model)))) {
                if (split != null || batch != null) throw usage("--split and --batch are for classifiers; " + model + " is a Mask R-CNN");
                return Mode.INSTANCE_MODEL;
            }
            if (SemanticEvalMode.isSemanticModel(model)) {
                if (split != null || batch != null || conf != null || iou != null || maxDet != null) {
                    throw usage("--split, --batch, --conf, --iou and --max-det are not for a semantic segmentation model");
                }
                return Mode.SEMANTIC_MODEL;
            }
            if (DetectorFiles.isDetector(model)) {
                if (split != null || batch != null) {
                    throw usage((split != null ? "--split" : "--batch") + " is for classifiers; " + model + " is a detector");
                }
                return Mode.DETECT;
            }
            if (images != null || conf != null || iou != null || maxDet != null) {
                String opt = images != null ? "--images" : conf != null ? "--conf" : iou != null ? "--iou" : "--max-det";
                throw usage(opt + " is for detectors; " + model + " is not a detector model");
            }
            return Mode.CLASSIFY;
        }
        if (images != null || conf != null || iou != null || maxDet != null) {
            throw usage("--images, --conf, --iou and --max-det go with --model DETECTOR --data COCO.json");
        }
        if (proposals != null) {
            if (dt != null) {
                throw usage("give either --proposals or --dt, not both");
            }
            if (gt == null) {
                throw usage("--proposals needs --gt GT.json");
            }
            return Mode.PROPOSALS;
        }
        if (gt == null && dt == null) {
            throw usage("nothing to evaluate: give --gt GT.json --dt RESULTS, or --model M --data D");
        }
        if (gt == null) {
            throw usage("--dt needs --gt GT.json");
        }
        if (dt == null) {
            throw usage("--gt needs --dt RESULTS");
        }
        return Mode.COCO;
    }

    private int runCoco() {
        boolean json = switch (format.toLowerCase(Locale.ROOT)) {
            case "text", "table" -> false;
            case "json", "jsonl" -> true;
            default -> throw usage("--format must be text or json, got '" + format + "'");
        };
        CocoParams params = CocoParams.defaults(iouType);
        if (maxDets != null) {
            params = params.withMaxDets(checkMaxDets());
        }
        Map<String, Double> gates = checkGates();
        int threads = run.threadCount();
        requireFile(gt, "--gt");
        requireFile(dt, "--dt");

        if (Main.ownsProcess() && System.getenv("CVKIT_FULL_JIT") == null && inputBytes() < QUICK_COMPILATION_MAX_BYTES) {
            QuickCompilation.request(); // a run of seconds: C2 would cost more than it saves
        }
        long start = System.nanoTime();
        CocoFiles.Loaded files;
        CocoEval eval;
        try {
            files = CocoFiles.read(gt, dt, iouType, threads, strict);
            eval = new CocoEval(files.gt(), files.results(), params).threads(threads);
            eval.evaluate();
            eval.accumulate();
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
        PrintWriter err = spec.commandLine().getErr();
        LeftOutReport.report(files.results().leftOut(), dt.toString(), gt, false, run.quiet, err);
        double[] stats = report(eval, json);
        if (!run.quiet) {
            err.printf(Locale.ROOT, "eval: %s, %d images, %d categories, %d ground truth, %d results in %.2f s%n",
                    iouType.label(), files.gt().imageCount(), files.gt().categoryCount(),
                    files.gt().annotationCount(), files.results().size(), (System.nanoTime() - start) / 1e9);
        }
        return gate(stats, gates, err);
    }

    /**
     * Detector mode: the detector over the images of the COCO dataset --data, then the COCO
     * report as in {@link #runCoco()}. Images that fail are one error line each (exit 1 at the
     * end, the others still evaluated); otherwise the --min gate decides.
     */
    private int runDetector() {
        boolean json = jsonFormat();
        if (iouType != IouType.BBOX) {
            throw usage("a detector gives boxes: --iou-type must be bbox in detector mode");
        }
        CocoParams params = maxDets == null ? CocoParams.defaults(IouType.BBOX) : CocoParams.defaults(IouType.BBOX).withMaxDets(checkMaxDets());
        Map<String, Double> gates = checkGates();
        requireFile(data, "--data");
        if (images != null && !Files.isDirectory(images)) {
            throw new UserError(images + ": no such folder (--images)", ExitCodes.USAGE);
        }
        Detector det = DetectorFiles.resolve(model);
        DetectParams dp;
        try {
            dp = new DetectParams(conf != null ? conf : det.evalConf(), iou != null ? iou : det.defaults().iou(),
                    maxDet != null ? maxDet : det.defaults().maxDet());
        } catch (IllegalArgumentException e) {
            throw usage("--conf/--iou/--max-det: " + e.getMessage());
        }
        int threads = run.threadCount();
        dev.cvkit.tensor.Parallel.setThreads(threads);
        CocoDataset dataset;
        try {
            dataset = CocoDataset.read(data, false);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
        Path folder = images != null ? images : dev.cvkit.data.detect.CocoDetectionReader.defaultFolder(data, dataset);
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, "eval", run.quiet);
        progress.total(dataset.imageCount());
        long start = System.nanoTime();
        DetectorEval.Result r = DetectorEval.run(det, dataset, folder, dp, params, maxPixels, threads, (file, error) -> {
            if (error != null) {
                progress.clearLine();
                err.println("cvkit: " + file + ": " + error);
                err.flush();
            }
            progress.step(error == null);
        });
        progress.clearLine();
        double[] stats = report(r.eval(), json);
        if (!run.quiet) {
            err.printf(Locale.ROOT, "eval: bbox, %s on %d images%s, %d of its %d classes are categories, conf %s, %d detections, "
                            + "%d ground truth in %.2f s%n", det.architecture(), r.images(), r.failed() > 0 ? " (" + r.failed() + " failed)" : "",
                    det.classes().size() - r.classesLeftOut().size(), det.classes().size(), dp.conf(), r.detections(),
                    dataset.annotationCount(), (System.nanoTime() - start) / 1e9);
        }
        int gate = gate(stats, gates, err);
        if (r.failed() > 0) {
            err.println("cvkit: " + r.failed() + " of " + r.images() + " images failed; the stats count them as images without detections");
            err.flush();
            return ExitCodes.INPUT_FAILED;
        }
        return gate;
    }

    /**
     * Instance mode: a Mask R-CNN over the images of the COCO dataset --data (with its
     * segmentations), scored as segm (default) or bbox (--iou-type) by the COCO evaluator.
     */
    private int runInstances() {
        boolean json = jsonFormat();
        IouType type = spec.commandLine().getParseResult().hasMatchedOption("--iou-type") ? iouType : IouType.SEGM;
        Map<String, Double> gates = checkGates();
        requireFile(data, "--data");
        if (images != null && !Files.isDirectory(images)) throw new UserError(images + ": no such folder (--images)", ExitCodes.USAGE);
        dev.cvkit.segmentation.InstanceSegmenter seg = dev.cvkit.segmentation.InstanceModelFile.read(Path.of(model));
        DetectParams dp;
        try {
            dp = new DetectParams(conf != null ? conf : 0.001f, iou != null ? iou : seg.defaults().iou(), maxDet != null ? maxDet : seg.defaults().maxDet());
        } catch (IllegalArgumentException e) {
            throw usage("--conf/--iou/--max-det: " + e.getMessage());
        }
        dev.cvkit.tensor.Parallel.setThreads(run.threadCount());
        CocoDataset dataset;
        try {
            dataset = CocoDataset.read(data, true);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
        Path folder = images != null ? images : dev.cvkit.data.detect.CocoDetectionReader.defaultFolder(data, dataset);
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, "eval", run.quiet);
        progress.total(dataset.imageCount());
        long start = System.nanoTime();
        dev.cvkit.segmentation.InstanceEval.Result r = dev.cvkit.segmentation.InstanceEval.run(seg, dataset, folder, dp,
                maxDets == null ? null : checkMaxDets(), maxPixels, (file, error) -> {
                    if (error != null) {
                        progress.clearLine();
                        err.println("cvkit: " + error);
                        err.flush();
                    }
                    progress.step(error == null);
                });
        progress.clearLine();
        double[] stats = report(type == IouType.SEGM ? r.segm() : r.bbox(), json);
        if (!run.quiet) {
            err.printf(Locale.ROOT, "eval: %s, mask-rcnn on %d images%s, conf %s, %d instances, %d ground truth in %.2f s%n", type.label(),
                    r.images(), r.failed() > 0 ? " (" + r.failed() + " failed)" : "", dp.conf(), r.instances(), dataset.annotationCount(),
                    (System.nanoTime() - start) / 1e9);
        }
        int gate = gate(stats, gates, err);
        if (r.failed() > 0) {
            err.println("cvkit: " + r.failed() + " of " + r.images() + " images failed; the stats count them as images without instances");
            err.flush();
            return ExitCodes.INPUT_FAILED;
        }
        return gate;
    }

    /** Prints the COCO summary (text or JSON), writes --plots, and returns the 12 stats. */
    private double[] report(CocoEval eval, boolean json) {
        double[] stats = eval.summarize();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? CocoReport.json(eval, perClass) : CocoReport.text(eval, perClass));
        out.flush();
        if (plots != null) {
            try {
                PrCurvePlots.write(eval, plots);
            } catch (IOException e) {
                throw new UserError(plots + ": cannot write plots (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
            }
        }
        return stats;
    }

    /** Above this much input, an evaluation runs long enough for C2's code to pay off. */
    private static final long QUICK_COMPILATION_MAX_BYTES = 512L << 20;

    private long inputBytes() {
        try {
            return Files.size(gt) + Files.size(dt);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private int[] checkMaxDets() {
        if (maxDets.size() != 3) {
            throw usage("--max-dets takes three numbers (pycocotools' summary reads three), got " + maxDets.size());
        }
        int[] md = new int[3];
        for (int i = 0; i < 3; i++) {
            md[i] = maxDets.get(i);
            if (md[i] < 1) {
                throw usage("--max-dets values must be at least 1, got " + md[i]);
            }
            for (int j = 0; j < i; j++) {
                if (md[j] == md[i]) {
                    throw usage("--max-dets values must differ, got " + md[i] + " twice");
                }
            }
        }
        return md;
    }

    private Map<String, Double> checkGates() {
        return StatGates.parse(min, " (see 'cvkit eval --help')");
    }

    private int gate(double[] stats, Map<String, Double> gates, PrintWriter err) {
        return StatGates.check(stats, gates, err);
    }

    private void requireFile(Path p, String option) {
        if (!Files.exists(p)) {
            throw new UserError(p + ": no such file (" + option + ")", ExitCodes.USAGE);
        }
        if (Files.isDirectory(p)) {
            throw new UserError(p + ": is a directory, expected a JSON file (" + option + ")", ExitCodes.USAGE);
        }
        if (!Files.isReadable(p)) {
            throw new UserError(p + ": cannot read (" + option + ")", ExitCodes.USAGE);
        }
    }

    private UserError usage(String message) {
        return new UserError(message + " (see 'cvkit eval --help')", ExitCodes.USAGE);
    }

}
