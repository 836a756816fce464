package dev.cvkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.rcnnsvm.RcnnTraining;
import dev.cvkit.detection.training.DetectTraining;
import dev.cvkit.detection.training.DetectorFamilies;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;

/** {@code cvkit train --task detect}: the options of {@link TrainCommand} wired to {@link DetectTraining}. */
final class DetectTrainMode {
    private DetectTrainMode() {}

    static int run(TrainCommand c, int threads, PrintWriter err, String command) throws IOException {
        boolean quiet = c.run.quiet;
        Progress progress = new Progress(err, quiet);
        DetectTraining.Ready ready;
        var parsed = c.spec.commandLine().getParseResult();
        if (c.resume != null) {
            for (String o : new String[] {"--arch", "--data", "--images", "--val", "--val-images", "--batch", "--lr", "--optimizer",
                    "--augment", "--out", "--seed", "--time", "--backbone", "--imgsz", "--init", "--scale", "--close-mosaic"}) {
                if (parsed.hasMatchedOption(o)) {
                    throw new UserError(o + " cannot change on --resume (the run continues with its checkpoint's options; only --epochs can)", ExitCodes.USAGE);
                }
            }
            if (RcnnTraining.ARCH.equals(checkpointArch(c.resume))) {
                return runRcnn(RcnnTraining.resume(c.resume, c.epochs, threads, c.maxPixels, progress), err, quiet);
            }
            ready = DetectTraining.resume(c.resume, c.epochs, threads, c.maxPixels, progress);
        } else {
            if (c.arch == null || c.data == null) throw new UserError("give --arch " + String.join("|", DetectorFamilies.names()) + " and --data TRAIN.json (or --resume DIR)", ExitCodes.USAGE);
            boolean rcnn = RcnnTraining.ARCH.equals(c.arch.toLowerCase(Locale.ROOT));
            if (c.out != null && Files.exists(c.out.resolve(TrainLoop.CHECKPOINT))) {
                throw new UserError(c.out + " already holds a run (continue it with --resume " + c.out + ", or choose another --out)", ExitCodes.USAGE);
            }
            double budget = c.time == null ? 0 : TrainLoop.parseTime(c.time);
            String arch = c.arch.toLowerCase(Locale.ROOT);
            DetectorFamilies.Family family = DetectorFamilies.get(arch);
            DetectorFamilies.TrainDefaults d = family == null ? DetectorFamilies.TrainDefaults.RCNN : family.trainDefaults();
            String opt = parsed.hasMatchedOption("--optimizer") ? c.optimizer.toLowerCase(Locale.ROOT) : "adamw";
            float lr = c.lr != null ? c.lr : opt.equals("sgd") ? 0.02f : rcnn ? 1e-3f : d.lr();
            float wd = parsed.hasMatchedOption("--weight-decay") ? c.weightDecay : opt.equals("sgd") ? 1e-4f : 0.05f;
            int batch = parsed.hasMatchedOption("--batch") ? c.batch : rcnn ? 4 : d.batch();
            int warmup = parsed.hasMatchedOption("--warmup") ? c.warmup : rcnn ? 20 : d.warmup();
            TrainLoop.Options options = new TrainLoop.Options(batch, lr, opt, wd, c.run.seed, c.epochs == null ? (rcnn ? 4 : 12) : c.epochs, budget,
                    warmup, c.valEvery, c.patience, 10f);
            if (rcnn) {
                for (String o : new String[] {"--backbone", "--imgsz", "--init", "--augment", "--scale", "--close-mosaic"}) {
                    if (parsed.hasMatchedOption(o)) {
                        throw new UserError(o + " does not apply to --arch rcnn (its CNN is built for 48×48 warped regions; the regions are mirrored at random)", ExitCodes.USAGE);
                    }
                }
                RcnnTraining.Request req = new RcnnTraining.Request(c.data, c.images, c.val, c.valImages, options, c.maxPixels, null);
                return runRcnn(RcnnTraining.start(req, () -> LoopRuns.outDir(c, "detect"), threads, command, w -> {
                    if (!quiet) {
                        err.println("cvkit: warning: " + w);
                        err.flush();
                    }
                }, progress), err, quiet);
            }
            // --backbone's default is the family's own (resnet18 for the R-CNNs, csp for YOLO)
            String backbone = parsed.hasMatchedOption("--backbone") || family == null ? c.backbone : family.backbones().get(0);
            String augment = parsed.hasMatchedOption("--augment") ? c.augment : d.augment();
            DetectTraining.Request req = new DetectTraining.Request(arch, c.data, c.images, c.val, c.valImages,
                    backbone, c.imgsz, c.init, augment, options, c.maxPixels, c.scale == null ? null : c.scale.toLowerCase(Locale.ROOT),
                    c.closeMosaic);
            ready = DetectTraining.start(req, () -> LoopRuns.outDir(c, "detect"), threads, command, w -> {
                if (!quiet) {
                    err.println("cvkit: warning: " + w);
                    err.flush();
                }
            }, progress);
        }
        return LoopRuns.run(ready.loop(), ready.task(), ready.out(), ready.describe(), err, quiet);
    }

    /** R-CNN: the fine-tuning loop, then its SVM and box-regression stages and the final validation. */
    private static int runRcnn(RcnnTraining.Ready ready, PrintWriter err, boolean quiet) throws IOException {
        LoopRuns.run(ready.loop(), ready.task(), ready.out(), ready.describe(), err, quiet);
        RcnnTraining.finish(ready, line -> {
            if (!quiet) {
                err.println("train: " + line);
                err.flush();
            }
        });
        if (!quiet) {
            err.println("train: the R-CNN (CNN, SVMs, box regressors): " + ready.out().resolve("best.safetensors"));
            err.flush();
        }
        return ExitCodes.OK;
    }

    /** The architecture a run folder's checkpoint was trained as ("" when unreadable: the detect path reports that). */
    private static String checkpointArch(java.nio.file.Path dir) {
        try {
            return dev.cvkit.train.RunCheckpoint.read(dir, "detect").run().path("arch").asText("");
        } catch (IOException | UserError e) {
            return "";
        }
    }

    /** A live line on a terminal; one line per validation otherwise. */
    static final class Progress implements TrainLoop.Listener {
        private final PrintWriter err;
        private final boolean quiet, bar;
        private long lastDraw;

        Progress(PrintWriter err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
            this.bar = !quiet && Terminal.stderrIsTerminal();
        }

        @Override
        public void step(int iteration, int total, Map<String, Double> losses, double imagesPerSecond, double etaSeconds) {
            if (!bar) return;
            long now = System.nanoTime();
            if (now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            long eta = Math.round(etaSeconds);
            String of = total >= Integer.MAX_VALUE / 2 ? "" : "/" + total;
            err.printf(Locale.ROOT, "\riteration %d%s loss %.4f %.1f img/s ETA %d:%02d   ", iteration, of, losses.getOrDefault("loss", 0.0),
                    imagesPerSecond, eta / 60, eta % 60);
            err.flush();
        }

        @Override
        public void row(ObjectNode row) {
            if (quiet) return;
            if (bar) err.print("\r\033[K");
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "iteration %d (epoch %.2f): loss %.4f",
                    row.get("iteration").asInt(), row.get("epoch").asDouble(), row.path("train_loss").asDouble()));
            if (row.has("val_segm_ap")) {
                sb.append(String.format(Locale.ROOT, "  val segm AP %.4f AP50 %.4f, box AP %.4f", row.get("val_segm_ap").asDouble(),
                        row.get("val_segm_ap50").asDouble(), row.get("val_ap").asDouble()));
            } else if (row.has("val_ap")) {
                sb.append(String.format(Locale.ROOT, "  val AP %.4f AP50 %.4f", row.get("val_ap").asDouble(), row.get("val_ap50").asDouble()));
            } else if (row.has("val_region_acc")) {
                sb.append(String.format(Locale.ROOT, "  val region acc %.4f", row.get("val_region_acc").asDouble()));
            } else if (row.has("val_miou")) {
                sb.append(String.format(Locale.ROOT, "  val mIoU %.4f pixel acc %.4f", row.get("val_miou").asDouble(), row.get("val_pixel_acc").asDouble()));
            }
            sb.append(String.format(Locale.ROOT, "  lr %.3g  %.1f img/s  %s%s", row.get("lr").asDouble(), row.get("images_per_s").asDouble(),
                    TrainLoop.formatTime(row.get("elapsed_s").asDouble()), row.get("best").asBoolean() ? "  *best" : ""));
            err.println(sb);
            err.flush();
        }
    }
}
