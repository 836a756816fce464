package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.classify.Architectures;
import dev.cvkit.classify.ClassifierTrainer;
import dev.cvkit.classify.RunDir;
import dev.cvkit.classify.TrainConfig;
import dev.cvkit.classify.TrainingRun;
import dev.cvkit.tensor.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit train --task classify}: trains a zoo architecture on a labelled image dataset. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            // one paragraph per string: picocli wraps each string on its own
            "Train a classifier on a labelled dataset (a folder per class, MNIST-style idx files, or a CSV/JSONL list of path,label), "
                    + "a detector (--task detect) or a segmenter (--task segment: fcn semantic, mask-rcnn instances) on a COCO data set.",
            "Writes into the run folder: best.safetensors, last.safetensors, checkpoint.safetensors (resumable), metrics.jsonl, "
                    + "metrics.csv and plots (loss.png, accuracy.png; detect, segment: losses.png, val.png), each file atomically, "
                    + "after every epoch (detect, segment: every validation)."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tools/fetch-data.sh     # MNIST and Fashion-MNIST into data/cache/",
                "  cvkit train --task classify --arch lenet5 --data data/cache/mnist \\",
                "      --epochs 10 --batch 64 --optimizer adam --lr 0.001 \\",
                "      --schedule step:4:0.3 --augment shift=2",
                "  cvkit train --arch resnet20 --data photos/ --val photos-val/ --patience 5",
                "  cvkit train --arch resnet20 --data DIR     # DIR/train/ and DIR/val/",
                "  cvkit train --resume runs/classify/lenet5 --epochs 20   # after a crash",
                "  cvkit data shapes --out shapes/                # a generated detection set",
                "  cvkit train --task detect --arch faster-rcnn \\",
                "      --data shapes/train.json --val shapes/val.json --time 20m \\",
                "      --out runs/frcnn",
                "  cvkit detect --model runs/frcnn/best.safetensors shapes/val/",
                "  cvkit train --task detect --arch rcnn --data shapes/train.json \\",
                "      --val shapes/val.json --time 20m --out runs/rcnn   # R-CNN: 3 stages",
                "  cvkit train --task detect --arch retinanet \\",
                "      --data shapes/train.json --val shapes/val.json --time 20m",
                "  cvkit train --task segment --arch fcn --data shapes/train.json \\",
                "      --val shapes/val.json --time 20m --out runs/fcn",
                "  cvkit segment --model runs/fcn/best.safetensors shapes/val/ --save out/",
                "  cvkit train --task segment --arch mask-rcnn --data shapes/train.json \\",
                "      --val shapes/val.json --time 20m --out runs/maskrcnn",
                "",
                "Exit codes: 0 ok; 1 bad data or the loss became NaN; 2 usage error."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "classify", description = "What to train: classify (default), detect or segment (fcn: semantic, mask-rcnn: instances).")
    String task;

    @Option(names = "--arch", paramLabel = "NAME", completionCandidates = Completions.Architectures.class,
            description = "Architecture: from the zoo for classify, e.g. lenet5, resnet20 (see 'cvkit models'); faster-rcnn, fast-rcnn, rcnn (selective search, warped regions, SVMs), yolo, yolov1, retinanet or ssd for detect; fcn or mask-rcnn for segment.")
    String arch;

    @Option(names = "--data", paramLabel = "D", description = "Training data: class folders (or D/train/CLASS/...), an idx folder, or a .csv/.jsonl list.")
    Path data;

    @Option(names = "--val", paramLabel = "D2", description = "Validation data (its val/ or test/ part if it has one). Default: --val-split of the training data. Detect, segment: a COCO JSON.")
    Path val;

    @Option(names = "--images", paramLabel = "DIR", description = "Detect, segment: the folder the --data JSON's file names are relative to (default: the JSON's folder).")
    Path images;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Detect, segment: the folder of the --val JSON's images (default: the JSON's folder).")
    Path valImages;

    @Option(names = "--backbone", paramLabel = "NAME", defaultValue = "resnet18",
            description = "Detect: the backbone, resnet18, resnet34, resnet50 or resnet101 (YOLO: its own, csp; ssd: also vgg16 or mobilenet_v2); fcn: resnet18, resnet34 (FCN-8s) or resnet50 (dilated FCN); mask-rcnn: as detect (default: ${DEFAULT-VALUE}).")
    String backbone;

    @Option(names = "--imgsz", paramLabel = "N", defaultValue = "160",
            description = "Detect, mask-rcnn: images are scaled to N on their shorter side (YOLO: stretched to N × N, N a multiple of 32); fcn: to N × N (default: ${DEFAULT-VALUE}).")
    int imgsz;

    @Option(names = "--scale", paramLabel = "S", completionCandidates = Completions.Scales.class,
            description = "Detect, YOLO: the model size, n, s or m (Ultralytics' width and depth multipliers 0.25/0.33, 0.50/0.33, 0.75/0.67) (default: n).")
    String scale;

    @Option(names = "--time", paramLabel = "T",
            description = "Detect, segment: a wall-clock budget (90s, 20m, 1h, 1h30m); the learning-rate schedule ends with it. Replaces --epochs.")
    String time;

    @Option(names = "--val-every", paramLabel = "N", defaultValue = "0",
            description = "Detect, segment: validate (and checkpoint) every N iterations; 0: every epoch (default: ${DEFAULT-VALUE}).")
    int valEvery;

    @Option(names = "--init", paramLabel = "FILE",
            description = "Detect: start the backbone from FILE, a ResNet trained by cvkit or any safetensors state dict with torchvision's names.")
    Path init;

    @Option(names = "--val-split", paramLabel = "F", defaultValue = "0.1",
            description = "Fraction of the training data held out (by --seed) for validation when no --val is given; 0 for none (default: ${DEFAULT-VALUE}).")
    double valSplit;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train (default: 10, detect and segment: 12; with --resume: the new total).")
    Integer epochs;

    @Option(names = "--batch", converter = Ranges.PositiveInt.class, paramLabel = "B", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: 0.001 for adam/adamw, 0.01 for sgd, 1.0 for adadelta).")
    Float lr;

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adam", description = "sgd, adam, adamw or adadelta (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0", description = "L2 penalty (decoupled for adamw) (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--schedule", paramLabel = "S", defaultValue = "constant",
            description = "Learning-rate schedule per epoch: constant, step:SIZE[:GAMMA], multistep:E1,E2[:GAMMA], cosine[:ETA_MIN] (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0", description = "Epochs of linear warm-up from lr/10 (default: ${DEFAULT-VALUE}); detect, segment: iterations from lr/1000 (default: 80, fcn: 40).")
    int warmup;

    @Option(names = "--augment", paramLabel = "A", defaultValue = "none",
            description = "Training augmentation: none or a list of flip, shift=PX, jitter=F, scale=F (e.g. flip,shift=2) (default: ${DEFAULT-VALUE}); detect: hflip, vflip, color, scale, mosaic (default: hflip,vflip; YOLO: hflip,vflip,mosaic); fcn: hflip (default) or none; mask-rcnn: hflip, vflip, color (default: hflip,vflip).")
    String augment;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0", description = "Stop after N epochs (detect: validations) without a better validation top-1 (detect: AP, fcn: mIoU, mask-rcnn: segm AP); 0: never (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--mean", paramLabel = "M,..", split = ",", description = "Per-channel mean for normalisation (default: measured on the training data).")
    float[] mean;

    @Option(names = "--std", paramLabel = "S,..", split = ",", description = "Per-channel std for normalisation (default: measured on the training data).")
    float[] std;

    @Option(names = "--resize", paramLabel = "N",
            description = "Scale images so the shorter side is N, then centre-crop (or pad) to the input size (default: pad smaller idx images, scale others to the input size).")
    Integer resize;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/classify/NAME, numbered so nothing is overwritten).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the default run folder (default: the architecture).")
    String name;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its checkpoint, with its options (its task too; only --epochs may change).")
    Path resume;

    @Option(names = "--max-pixels", converter = Ranges.PositiveLong.class, paramLabel = "N", defaultValue = "100000000", description = "Refuse images with more pixels than this (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        if (resume != null && !spec.commandLine().getParseResult().hasMatchedOption("--task")) {
            task = dev.cvkit.train.TrainLoop.checkpointTask(resume); // a run folder knows its task
        }
        if (!List.of("classify", "detect", "segment").contains(task.toLowerCase(Locale.ROOT))) {
            throw usage("--task " + task + " is not supported (classify, detect or segment)");
        }
        int threads = run.threadCount();
        Parallel.setThreads(threads);
        if (scale != null && !task.equalsIgnoreCase("detect")) throw usage("--scale is for --task detect (YOLO's model size)");
        if (task.equalsIgnoreCase("detect")) {
            return DetectTrainMode.run(this, threads, spec.commandLine().getErr(), commandText());
        }
        if (task.equalsIgnoreCase("segment")) {
            return SegmentTrainMode.run(this, threads, spec.commandLine().getErr(), commandText());
        }
        PrintWriter err = spec.commandLine().getErr();
        TrainProgress progress = new TrainProgress(err, run.quiet);
        TrainingRun.Ready ready;
        if (resume != null) {
            for (String o : List.of("--arch", "--data", "--val", "--batch", "--lr", "--optimizer", "--schedule", "--augment", "--out", "--seed")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw usage(o + " cannot change on --resume (the run continues with its checkpoint's options; only --epochs can)");
                }
            }
            ready = TrainingRun.resume(resume, epochs, maxPixels, threads, progress, Architectures.ZOO);
        } else {
            if (arch == null || data == null) {
                throw usage("give --arch NAME and --data D (or --resume DIR)");
            }
            String opt = optimizer.toLowerCase(Locale.ROOT);
            float rate = lr != null ? lr : switch (opt) {
                case "sgd" -> 0.01f;
                case "adadelta" -> 1.0f;
                default -> 0.001f;
            };
            TrainConfig cfg = new TrainConfig(Architectures.parse(arch).cliName(), epochs == null ? 10 : epochs, batch, rate, opt,
                    momentum, weightDecay, schedule, warmup, dev.cvkit.image.Augmentation.parse(augment).spec(), run.seed,
                    patience, val != null ? 0 : valSplit);
            if (out != null && TrainingRun.holdsRun(out)) {
                throw usage(out + " already holds a run (continue it with --resume " + out + ", or choose another --out)");
            }
            TrainingRun.Request req = new TrainingRun.Request(cfg, data, val, mean, std, resize == null ? -1 : resize, maxPixels);
            ready = TrainingRun.start(req, () -> outDir(cfg.arch()), threads, commandText(), progress, Architectures.ZOO);
        }
        if (!run.quiet) {
            err.println("train: " + ready.describe());
            err.println("train: writing to " + ready.out() + (ready.trainer().startEpoch() > 0
                    ? " (resuming after epoch " + ready.trainer().startEpoch() + ")" : ""));
            err.flush();
        }
        ClassifierTrainer.Result r = ready.trainer().run();
        if (!run.quiet) {
            boolean validated = ready.trainer().validates();
            err.printf(Locale.ROOT, "train: %s; best epoch %d (%s %.4f): %s%n", r.stopReason(), r.bestEpoch(),
                    validated ? "validation top-1" : "training loss", validated ? r.bestScore() : -r.bestScore(),
                    ready.out().resolve("best.safetensors"));
            err.flush();
        }
        return ExitCodes.OK;
    }

    private Path outDir(String archName) throws IOException {
        if (out != null) {
            Files.createDirectories(out);
            return out;
        }
        return RunDir.next(Path.of("runs", "classify"), name != null ? name : archName);
    }

    /** The command as typed (quoted where needed), recorded in the model's metadata. */
    private String commandText() {
        StringBuilder sb = new StringBuilder("cvkit train");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // the parse result holds the whole command line: drop what precedes this subcommand
        int from = args.indexOf(spec.name()) + 1;
        for (String a : args.subList(from, args.size())) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private UserError usage(String message) {
        return new UserError(message + " (see 'cvkit train --help')", ExitCodes.USAGE);
    }

    /** Per-epoch output on stderr: a live bar on a terminal, one line per epoch otherwise. */
    static final class TrainProgress implements ClassifierTrainer.Listener {
        private final PrintWriter err;
        private final boolean quiet;
        private final boolean bar;
        private long lastDraw;
        private long epochStart = System.nanoTime();

        TrainProgress(PrintWriter err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
            this.bar = !quiet && Terminal.stderrIsTerminal();
        }

        @Override
        public void batch(int epoch, int epochs, int done, int total, double loss, double top1, double rate) {
            if (!bar) {
                return;
            }
            long now = System.nanoTime();
            if (done == 1) {
                epochStart = now;
            }
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int width = 24;
            int filled = (int) ((long) width * done / total);
            long eta = Math.round((total - done) * ((System.nanoTime() - epochStart) / 1e9) / Math.max(1, done));
            err.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f top-1 %.2f%% %.0f img/s ETA %d:%02d   ", epoch, epochs,
                    "=".repeat(filled), " ".repeat(width - filled), done, total, loss, top1 * 100, rate, eta / 60, eta % 60);
            err.flush();
        }

        @Override
        public void epoch(ObjectNode row) {
            if (quiet) {
                return;
            }
            if (bar) {
                err.print("\r\033[K");
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "epoch %d: loss %.4f top-1 %.2f%%", row.get("epoch").asInt(),
                    row.get("train_loss").asDouble(), 100 * row.get("train_top1").asDouble()));
            if (row.has("val_top1")) {
                sb.append(String.format(Locale.ROOT, "  val loss %.4f top-1 %.2f%% top-5 %.2f%%", row.get("val_loss").asDouble(),
                        100 * row.get("val_top1").asDouble(), 100 * row.get("val_top5").asDouble()));
            }
            sb.append(String.format(Locale.ROOT, "  lr %.3g  %.1f s  %d img/s%s", row.get("lr").asDouble(),
                    row.get("time_s").asDouble(), row.get("images_per_s").asLong(), row.get("best").asBoolean() ? "  *best" : ""));
            err.println(sb);
            err.flush();
        }
    }
}
