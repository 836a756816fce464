package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import dev.cvkit.UserError;
import dev.cvkit.tensor.Parallel;
import java.io.IOException;
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
                    + "a detector (--task detect) or a segmenter (--task segment: fcn semantic, mask-rcnn instances) on a COCO data set "
                    + "(fcn also on a folder of images with a folder of label-map PNGs, --labels).",
            "Every task runs in the same training loop, which writes into the run folder: best.safetensors, last.safetensors, "
                    + "checkpoint.safetensors (resumable), metrics.jsonl, metrics.csv and plots (classify: loss.png, accuracy.png; "
                    + "detect, segment: losses.png, val.png), each file atomically, after every validation (each epoch, or --val-every)."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tools/fetch-data.sh     # MNIST and Fashion-MNIST into data/cache/",
                "  cvkit train --task classify --arch lenet5 --data data/cache/mnist \\",
                "      --epochs 10 --batch 64 --optimizer adam --lr 0.001 \\",
                "      --schedule step:4:0.3 --augment shift=2",
                "  cvkit train --arch resnet20 --data photos/ --val photos-val/ --patience 5",
                "  cvkit train --arch resnet20 --data DIR     # DIR/train/ and DIR/val/",
                "  cvkit train --resume runs/classify/lenet5 --epochs 20   # after a crash",
                "  cvkit train --arch resnet20 --data DIR --time 10m  # a budget",
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
                "  cvkit train --task segment --arch fcn --head dilated \\",
                "      --data shapes/train.json --val shapes/val.json --out runs/fcn-d8",
                "  cvkit segment --model runs/fcn/best.safetensors shapes/val/ --save out/",
                "  cvkit train --task segment --arch fcn --data VOC/train/img \\",
                "      --labels VOC/train/cls --val VOC/val/img --val-labels VOC/val/cls \\",
                "      --ignore-index 255 --classes 21 --out runs/voc",
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
            description = "Architecture: from the zoo for classify, e.g. lenet5, resnet20 (see 'cvkit models'); faster-rcnn, fast-rcnn, rcnn (selective search, warped regions, SVMs), yolo, yolov1, retinanet, ssd or ssdlite for detect; fcn or mask-rcnn for segment.")
    String arch;

    @Option(names = "--data", paramLabel = "D", description = "Training data: class folders (or D/train/CLASS/...), an idx folder, or a .csv/.jsonl list; detect, segment: a COCO JSON or a YOLO data.yaml (segment: polygon labels); fcn: also a folder of images with --labels.")
    Path data;

    @Option(names = "--val", paramLabel = "D2", description = "Validation data (its val/ or test/ part if it has one). Default: --val-split of the training data. Detect, segment: a COCO JSON or data.yaml (its val split; the default with a --data yaml); fcn with --labels: an image folder, with --val-labels.")
    Path val;

    @Option(names = "--images", paramLabel = "DIR", description = "Detect, segment: the folder the --data JSON's file names are relative to (default: the JSON's folder).")
    Path images;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Detect, segment: the folder of the --val JSON's images (default: the JSON's folder).")
    Path valImages;

    @Option(names = "--labels", paramLabel = "DIR",
            description = "Segment, fcn: --data is a folder of images and DIR holds their label maps (IMAGES/sub/x.jpg: DIR/sub/x.png), "
                    + "one-channel 8-bit PNGs (palette or grey) of class indices, 0 the background, as VOC and Cityscapes ship them.")
    Path labels;

    @Option(names = "--val-labels", paramLabel = "DIR", description = "Segment, fcn: the label maps of the --val image folder.")
    Path valLabels;

    @Option(names = "--ignore-index", paramLabel = "N", defaultValue = "255",
            description = "Segment, fcn with --labels: label maps' value that counts in neither loss nor mIoU (default: ${DEFAULT-VALUE}).")
    int ignoreIndex;

    @Option(names = "--classes", paramLabel = "N",
            description = "Segment, fcn with --labels: the number of classes, background included (default: the largest class index in the training and validation label maps + 1).")
    Integer classes;

    @Option(names = "--backbone", paramLabel = "NAME", defaultValue = "resnet18",
            description = "Detect: the backbone, resnet18, resnet34, resnet50 or resnet101 (YOLO: its own, csp; faster-rcnn, fast-rcnn, ssd: also vgg16 or mobilenet_v2; ssdlite: mobilenet_v3 (default) or mobilenet_v2); fcn: resnet18, resnet34 (FCN-32s/16s/8s, or dilated with --head dilated) or resnet50 (dilated FCN); mask-rcnn: a ResNet, as detect (default: ${DEFAULT-VALUE}).")
    String backbone;

    @Option(names = "--head", paramLabel = "H", completionCandidates = Completions.FcnHeads.class,
            description = "Segment, fcn on resnet18/34: fcn32s, fcn16s or fcn8s, the lecture's skip variants (scores of layer4, plus layer3, plus layer2), "
                    + "or dilated: layer3 and layer4 dilated (2 and 4, stride 1) to output stride 8, the FCN head on layer4 (default: fcn8s; resnet50: dilated).")
    String head;

    @Option(names = "--upsample", paramLabel = "U", completionCandidates = Completions.FcnUpsamples.class,
            description = "Segment, fcn: bilinear resizing of the score maps, or transposed (learned transposed convolutions initialised to bilinear; --imgsz a multiple of 32) (default: bilinear).")
    String upsample;

    @Option(names = "--imgsz", paramLabel = "N", defaultValue = "160",
            description = "Detect, mask-rcnn: images are scaled to N on their shorter side (YOLO: stretched to N × N, N a multiple of 32); fcn: to N × N (default: ${DEFAULT-VALUE}).")
    int imgsz;

    @Option(names = "--scale", paramLabel = "S", completionCandidates = Completions.Scales.class,
            description = "Detect, YOLO: the model size, n, s or m (Ultralytics' width and depth multipliers 0.25/0.33, 0.50/0.33, 0.75/0.67) (default: n).")
    String scale;

    @Option(names = "--time", paramLabel = "T",
            description = "A wall-clock budget (90s, 20m, 1h, 1h30m); the learning rate is a cosine that ends with it (classify: without --schedule or --warmup). Replaces --epochs.")
    String time;

    @Option(names = "--val-every", paramLabel = "N", defaultValue = "0",
            description = "Validate (and checkpoint) every N iterations; 0: every epoch (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adam", description = "sgd, adam, adamw or adadelta (default: ${DEFAULT-VALUE}; detect, segment: adamw).")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0", description = "L2 penalty (adamw: decoupled, and not on biases and norm parameters) (default: ${DEFAULT-VALUE}; detect, segment: 0.05, sgd 1e-4).")
    float weightDecay;

    @Option(names = "--schedule", paramLabel = "S", defaultValue = "constant",
            description = "Classify: learning-rate schedule per epoch: constant, step:SIZE[:GAMMA], multistep:E1,E2[:GAMMA], cosine[:ETA_MIN] (default: ${DEFAULT-VALUE}); detect, segment: warm-up, then a cosine over the run.")
    String schedule;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0", description = "Epochs of linear warm-up from lr/10 (default: ${DEFAULT-VALUE}); detect, segment: iterations from lr/1000 (default: 80, fcn: 40).")
    int warmup;

    @Option(names = "--augment", paramLabel = "A", defaultValue = "none",
            description = "Training augmentation: none or a list of flip, shift=PX, jitter=F, scale=F (e.g. flip,shift=2) (default: ${DEFAULT-VALUE}); detect: hflip, vflip, color, scale, mosaic (default: hflip,vflip; YOLO: hflip,vflip,mosaic); fcn: hflip (default) or none; mask-rcnn: hflip, vflip, color (default: hflip,vflip).")
    String augment;

    @Option(names = "--close-mosaic", paramLabel = "F",
            description = "Detect with mosaic in --augment: train the last fraction F of the planned iterations without mosaics, F in [0, 1); 0: never (default: 0.1).")
    Double closeMosaic;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0", description = "Stop after N validations (epochs, unless --val-every) without a better validation top-1 (detect: AP, fcn: mIoU, mask-rcnn: segm AP; no validation data: training loss); 0: never (default: ${DEFAULT-VALUE}).")
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
        if (closeMosaic != null && !task.equalsIgnoreCase("detect")) throw usage("--close-mosaic is for --task detect (with --augment mosaic)");
        if ((head != null || upsample != null) && !task.equalsIgnoreCase("segment")) {
            throw usage((head != null ? "--head" : "--upsample") + " is for --task segment --arch fcn");
        }
        var parsed = spec.commandLine().getParseResult();
        for (String o : new String[] {"--labels", "--val-labels", "--ignore-index", "--classes"}) {
            if (parsed.hasMatchedOption(o) && !task.equalsIgnoreCase("segment")) throw usage(o + " is for --task segment --arch fcn");
        }
        if (task.equalsIgnoreCase("detect")) {
            return DetectTrainMode.run(this, threads, spec.commandLine().getErr(), commandText());
        }
        if (task.equalsIgnoreCase("segment")) {
            return SegmentTrainMode.run(this, threads, spec.commandLine().getErr(), commandText());
        }
        return ClassifyTrainMode.run(this, threads, spec.commandLine().getErr(), commandText());
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

    private static UserError usage(String message) {
        return new UserError(message + " (see 'cvkit train --help')", ExitCodes.USAGE);
    }
}
