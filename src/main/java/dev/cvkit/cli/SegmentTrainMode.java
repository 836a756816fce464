package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.segmentation.training.InstanceTraining;
import dev.cvkit.segmentation.training.SegmentTraining;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;

/**
 * {@code cvkit train --task segment}: the options of {@link TrainCommand} wired to
 * {@link SegmentTraining} (--arch fcn) or {@link InstanceTraining} (--arch mask-rcnn).
 */
final class SegmentTrainMode {
    /** Defaults small enough for a 160² set on 2 cores. */
    static final int BATCH = 8, EPOCHS = 12, WARMUP = 40;
    static final float LR = 1e-3f, WEIGHT_DECAY = 0.05f;

    private SegmentTrainMode() {}

    static int run(TrainCommand c, int threads, PrintWriter err, String command) throws IOException {
        boolean quiet = c.run.quiet;
        DetectTrainMode.Progress progress = new DetectTrainMode.Progress(err, quiet);
        SegmentTraining.Ready ready;
        var parsed = c.spec.commandLine().getParseResult();
        if (c.resume != null) {
            for (String o : new String[] {"--arch", "--data", "--images", "--val", "--val-images", "--batch", "--lr", "--optimizer",
                    "--augment", "--out", "--seed", "--time", "--backbone", "--imgsz", "--init", "--head", "--upsample", "--labels", "--val-labels",
                    "--ignore-index", "--classes"}) {
                if (parsed.hasMatchedOption(o)) {
                    throw new UserError(o + " cannot change on --resume (the run continues with its checkpoint's options)", ExitCodes.USAGE);
                }
            }
            RunCheckpoint ck = RunCheckpoint.read(c.resume, "segment");
            if (InstanceModelFile.isInstance(ck.config())) {
                InstanceTraining.Ready r = InstanceTraining.resume(ck, c.resume, c.epochs, threads, c.maxPixels, progress);
                return LoopRuns.run(r.loop(), r.task(), r.out(), r.describe(), err, quiet);
            }
            if (parsed.hasMatchedOption("--epochs")) {
                throw new UserError("--epochs cannot change on --resume of an fcn run (the run continues with its checkpoint's options)", ExitCodes.USAGE);
            }
            ready = SegmentTraining.resume(c.resume, threads, c.maxPixels, progress);
        } else {
            if (c.arch == null || c.data == null) throw new UserError("give --arch fcn|mask-rcnn and --data TRAIN.json (fcn: or --data IMAGES --labels LABELS; or --resume DIR)", ExitCodes.USAGE);
            if (c.init != null) throw new UserError("--init is not supported for --task segment yet", ExitCodes.USAGE);
            if (c.out != null && Files.exists(c.out.resolve(TrainLoop.CHECKPOINT))) {
                throw new UserError(c.out + " already holds a run (continue it with --resume " + c.out + ", or choose another --out)", ExitCodes.USAGE);
            }
            double budget = c.time == null ? 0 : TrainLoop.parseTime(c.time);
            String opt = parsed.hasMatchedOption("--optimizer") ? c.optimizer.toLowerCase(Locale.ROOT) : "adamw";
            float lr = c.lr != null ? c.lr : opt.equals("sgd") ? 0.02f : LR;
            float wd = parsed.hasMatchedOption("--weight-decay") ? c.weightDecay : opt.equals("sgd") ? 1e-4f : WEIGHT_DECAY;
            int batch = parsed.hasMatchedOption("--batch") ? c.batch : BATCH;
            int warmup = parsed.hasMatchedOption("--warmup") ? c.warmup : WARMUP;
            TrainLoop.Options options = new TrainLoop.Options(batch, lr, opt, wd, c.run.seed, c.epochs == null ? EPOCHS : c.epochs, budget,
                    warmup, c.valEvery, c.patience, 10f);
            if (MaskRcnnSpec.ARCHITECTURE.equals(c.arch.toLowerCase(Locale.ROOT))) {
                if (c.head != null || c.upsample != null) throw new UserError((c.head != null ? "--head" : "--upsample") + " is for --arch fcn", ExitCodes.USAGE);
                for (String o : new String[] {"--labels", "--val-labels", "--ignore-index", "--classes"}) {
                    if (parsed.hasMatchedOption(o)) throw new UserError(o + " is for --arch fcn (mask-rcnn trains on COCO or YOLO instances)", ExitCodes.USAGE);
                }
                // the detector trainer's defaults, those of the same-budget torchvision baseline
                TrainLoop.Options mo = new TrainLoop.Options(batch, c.lr != null ? c.lr : opt.equals("sgd") ? 0.02f : 7e-4f, opt, wd, c.run.seed,
                        c.epochs == null ? EPOCHS : c.epochs, budget, parsed.hasMatchedOption("--warmup") ? c.warmup : 80, c.valEvery, c.patience, 10f);
                InstanceTraining.Request req = new InstanceTraining.Request(c.data, c.images, c.val, c.valImages, c.backbone, c.imgsz,
                        parsed.hasMatchedOption("--augment") ? c.augment : InstanceTraining.AUGMENT, mo, c.maxPixels);
                InstanceTraining.Ready r = InstanceTraining.start(req, () -> LoopRuns.outDir(c, "segment"), threads, command, w -> {
                    if (!quiet) {
                        err.println("cvkit: warning: " + w);
                        err.flush();
                    }
                }, progress);
                return LoopRuns.run(r.loop(), r.task(), r.out(), r.describe(), err, quiet);
            }
            String augment = parsed.hasMatchedOption("--augment") ? c.augment : "hflip";
            SegmentTraining.LabelFolders folders = null;
            if (c.labels != null) {
                folders = new SegmentTraining.LabelFolders(c.labels, c.valLabels, c.ignoreIndex, c.classes);
            } else {
                for (String o : new String[] {"--val-labels", "--ignore-index", "--classes"}) {
                    if (parsed.hasMatchedOption(o)) throw new UserError(o + " goes with --labels LABELS_DIR (a folder of label maps)", ExitCodes.USAGE);
                }
                if (Files.isDirectory(c.data)) {
                    throw new UserError("--data " + c.data + " is a folder: give its label maps with --labels LABELS_DIR (or --data a COCO JSON or data.yaml)",
                            ExitCodes.USAGE);
                }
            }
            SegmentTraining.Request req = new SegmentTraining.Request(c.arch.toLowerCase(Locale.ROOT), c.data, c.images, c.val, c.valImages,
                    c.backbone, c.imgsz, c.head, c.upsample, augment, options, c.maxPixels, folders);
            ready = SegmentTraining.start(req, () -> LoopRuns.outDir(c, "segment"), threads, command, w -> {
                if (!quiet) {
                    err.println("cvkit: warning: " + w);
                    err.flush();
                }
            }, progress);
        }
        return LoopRuns.run(ready.loop(), ready.task(), ready.out(), ready.describe(), err, quiet);
    }

}
