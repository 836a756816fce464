package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.data.detect.CocoDetectionReader;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.data.detect.YoloDetectionReader;
import dev.cvkit.nn.Init;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Sets up {@code cvkit train --task detect}: a new run from options, or a resumed one from its checkpoint. */
public final class DetectTraining {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The default family. */
    public static final String FASTER = "faster-rcnn";

    /**
     * What a new run needs.
     *
     * @param closeMosaic the share of the planned iterations at the end trained without mosaics,
     *                    in [0, 1); null: {@link DetectionTask#CLOSE_MOSAIC}
     */
    public record Request(String arch, Path data, Path images, Path val, Path valImages, String backbone, int imgsz, Path init,
                          String augment, TrainLoop.Options options, long maxPixels, String scale, Double closeMosaic) {
        /** A request with the default closing of mosaic. */
        public Request(String arch, Path data, Path images, Path val, Path valImages, String backbone, int imgsz, Path init,
                       String augment, TrainLoop.Options options, long maxPixels, String scale) {
            this(arch, data, images, val, valImages, backbone, imgsz, init, augment, options, maxPixels, scale, null);
        }

        /** A request without {@code --scale}. */
        public Request(String arch, Path data, Path images, Path val, Path valImages, String backbone, int imgsz, Path init,
                       String augment, TrainLoop.Options options, long maxPixels) {
            this(arch, data, images, val, valImages, backbone, imgsz, init, augment, options, maxPixels, null, null);
        }
    }

    /** A run ready to go. */
    public record Ready(TrainLoop loop, DetectionTask task, Path out, String describe) {}

    @FunctionalInterface
    public interface OutDir {
        Path create() throws IOException;
    }

    private DetectTraining() {}

    public static Ready start(Request req, OutDir outDir, int threads, String command, Consumer<String> warn,
                              TrainLoop.Listener listener) throws IOException {
        DetectorFamilies.Family family = DetectorFamilies.get(req.arch());
        if (family == null) {
            throw new UserError("--arch " + req.arch() + ": use " + String.join(", ", DetectorFamilies.names())
                    + " (the detectors cvkit trains)", ExitCodes.USAGE);
        }
        if (!family.backbones().contains(req.backbone())) {
            throw new UserError("--backbone " + req.backbone() + ": --arch " + req.arch() + " uses " + String.join(", ", family.backbones()),
                    ExitCodes.USAGE);
        }
        if (req.imgsz() < 32 || req.imgsz() > 4096) throw new UserError("--imgsz must be in 32..4096", ExitCodes.USAGE);
        if (req.scale() != null && !family.scales().contains(req.scale())) {
            throw new UserError("--scale " + req.scale() + ": " + (family.scales().isEmpty() ? "--arch " + req.arch() + " has one size"
                    : "--arch " + req.arch() + " takes " + String.join(", ", family.scales())), ExitCodes.USAGE);
        }
        BoxAugment augment = BoxAugment.parse(req.augment());
        double closeMosaic = req.closeMosaic() == null ? DetectionTask.CLOSE_MOSAIC : req.closeMosaic();
        if (!(closeMosaic >= 0 && closeMosaic < 1)) {
            throw new UserError("--close-mosaic must be in [0, 1) (the share of the run at the end without mosaics; 0: never), got "
                    + req.closeMosaic(), ExitCodes.USAGE);
        }
        if (req.closeMosaic() != null && !augment.mosaic()) {
            throw new UserError("--close-mosaic " + req.closeMosaic() + ": --augment " + augment.spec() + " has no mosaic to close", ExitCodes.USAGE);
        }
        boolean yolo = YoloDetectionReader.isYaml(req.data());
        CocoDetectionReader.Read read = yolo ? YoloDetectionReader.read(req.data(), "train") : CocoDetectionReader.read(req.data(), req.images());
        if (read.cleaning().any()) warn.accept(req.data() + ": " + read.cleaning().describe());
        DetectionSet train = read.set();
        if (train.size() < 1) throw new UserError(req.data() + ": no images to train on", ExitCodes.INPUT_FAILED);
        Path out = outDir.create();
        Path valJson = req.val();
        Path valImages = req.valImages();
        if (yolo && (valJson == null || YoloDetectionReader.isYaml(valJson))) {
            // a YOLO split is validated as COCO: written once into the run folder (also for cvkit eval later)
            Path yaml = valJson == null ? req.data() : valJson;
            if (YoloDetectionReader.layout(yaml).splits().containsKey("val")) {
                CocoDetectionReader.Read v = YoloDetectionReader.read(yaml, "val");
                valJson = out.resolve("val_gt.json");
                dev.cvkit.io.AtomicFiles.write(valJson, JSON.writeValueAsBytes(dev.cvkit.data.detect.DatasetConverter.toCoco(v.set())));
                valImages = v.images();
            } else {
                valJson = null;
            }
        }
        CocoDataset val = valJson == null ? null : readVal(valJson);
        if (val != null && valImages == null) valImages = CocoDetectionReader.defaultFolder(valJson, val);
        Init.seed(req.options().seed());
        TrainableDetector model = family.create(new DetectorFamilies.Setup(req.backbone(), train.classes().size(), req.imgsz(), req.scale()));
        if (req.init() != null) {
            int n = BackboneInit.load(model, req.init());
            warn.accept("initialised " + n + " backbone tensors from " + req.init());
        }
        ObjectNode run = JSON.createObjectNode();
        run.put("task", "detect");
        run.put("arch", req.arch());
        run.put("cvkit", dev.cvkit.Version.VERSION);
        run.put("data", abs(req.data()));
        run.put("format", yolo ? "yolo" : "coco");
        run.put("images", abs(read.images()));
        if (val != null) {
            run.put("val", abs(valJson));
            run.put("val_images", abs(valImages));
        }
        run.put("augment", augment.spec());
        run.put("close_mosaic", closeMosaic);
        run.put("command", command);
        DetectionTask task = new DetectionTask(model, train, val, valImages, augment, closeMosaic, threads, req.maxPixels());
        return new Ready(new TrainLoop(task, req.options(), out, run, listener), task, out,
                train.describe() + (val == null ? "; no validation data" : "; validation: " + val.imageCount() + " images from " + valJson));
    }

    public static Ready resume(Path dir, int threads, long maxPixels, TrainLoop.Listener listener) throws IOException {
        return resume(dir, null, threads, maxPixels, listener);
    }

    /** @param epochs null, or the new epoch count of a run trained by epochs (the schedule is refitted to it) */
    public static Ready resume(Path dir, Integer epochs, int threads, long maxPixels, TrainLoop.Listener listener) throws IOException {
        RunCheckpoint ck = RunCheckpoint.read(dir, "detect");
        JsonNode cfg = ck.config(), run = ck.run();
        TrainLoop.Options options = ck.options();
        if (epochs != null) {
            if (options.budgetS() > 0) throw new UserError("--epochs cannot change a run trained with --time", ExitCodes.USAGE);
            options = options.withEpochs(epochs);
        }
        String arch = cfg.path("architecture").asText(FASTER);
        DetectorFamilies.Family family = DetectorFamilies.get(arch);
        if (family == null) throw new UserError(ck.file() + ": bad model config: unknown architecture '" + arch + "'", ExitCodes.USAGE);
        TrainableDetector model;
        try {
            model = family.fromConfig(cfg);
        } catch (IllegalArgumentException e) {
            throw new UserError(ck.file() + ": bad model config: " + e.getMessage(), ExitCodes.USAGE);
        }
        model.network().loadStateDict(ck.weights());
        Path data = Path.of(run.path("data").asText()), images = Path.of(run.path("images").asText());
        DetectionSet train = "yolo".equals(run.path("format").asText()) ? YoloDetectionReader.read(data, "train").set()
                : CocoDetectionReader.read(data, images).set();
        CocoDataset val = run.hasNonNull("val") ? readVal(Path.of(run.get("val").asText())) : null;
        Path valImages = run.hasNonNull("val_images") ? Path.of(run.get("val_images").asText()) : null;
        // runs from before --close-mosaic closed mosaics for the last tenth
        double closeMosaic = run.path("close_mosaic").asDouble(DetectionTask.CLOSE_MOSAIC);
        if (!(closeMosaic >= 0 && closeMosaic < 1)) throw new UserError(ck.file() + ": bad run config: close_mosaic " + closeMosaic, ExitCodes.INPUT_FAILED);
        DetectionTask task = new DetectionTask(model, train, val, valImages, BoxAugment.parse(run.path("augment").asText("none")), closeMosaic,
                threads, maxPixels);
        TrainLoop loop = new TrainLoop(task, options, dir, (ObjectNode) run, listener);
        loop.restore(ck.contents().tensors(), ck.state());
        return new Ready(loop, task, dir, train.describe());
    }

    private static CocoDataset readVal(Path p) {
        try {
            return CocoDataset.read(p, false);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED);
        }
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

}
