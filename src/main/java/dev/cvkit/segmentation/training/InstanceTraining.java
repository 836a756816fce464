package dev.cvkit.segmentation.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.data.detect.CocoDetectionReader;
import dev.cvkit.data.segment.InstanceSet;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.FasterRcnnSpec;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.detection.training.BoxAugment;
import dev.cvkit.nn.Init;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Sets up {@code cvkit train --task segment --arch mask-rcnn}: a new run from options, or a resumed one from its checkpoint. */
public final class InstanceTraining {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Augmentation by default: both flips, as the detector trainer. */
    public static final String AUGMENT = "hflip,vflip";

    /** What a new run needs. */
    public record Request(Path data, Path images, Path val, Path valImages, String backbone, int imgsz, String augment,
                          TrainLoop.Options options, long maxPixels) {}

    /** A run ready to go. */
    public record Ready(TrainLoop loop, InstanceTask task, Path out, String describe) {}

    private InstanceTraining() {}

    public static Ready start(Request req, SegmentTraining.OutDir outDir, int threads, String command, Consumer<String> warn,
                              TrainLoop.Listener listener) throws IOException {
        if (!FasterRcnnSpec.RESNETS.contains(req.backbone())) {
            throw new UserError("--backbone " + req.backbone() + ": use " + String.join(", ", FasterRcnnSpec.RESNETS), ExitCodes.USAGE);
        }
        if (req.imgsz() < 32 || req.imgsz() > 4096) throw new UserError("--imgsz must be in 32..4096", ExitCodes.USAGE);
        BoxAugment augment = BoxAugment.parse(req.augment());
        if (augment.scale()) throw new UserError("--augment scale is not supported for mask-rcnn (use hflip, vflip, color)", ExitCodes.USAGE);
        SegmentData trainData = SegmentData.train(req.data(), req.images()), valData = SegmentData.val(req.data(), req.val(), req.valImages());
        // YOLO splits, checked by now, become COCO files in the run folder
        Path out = trainData.converted() || valData != null && valData.converted() ? outDir.create() : null;
        if (out != null) {
            trainData = trainData.written(out);
            if (valData != null) valData = valData.written(out);
        }
        InstanceSet train = InstanceSet.read(trainData.json(), trainData.images());
        if (train.size() < 1) throw new UserError(req.data() + ": no images to train on", ExitCodes.INPUT_FAILED);
        if (train.withoutMask() > 0) warn.accept(req.data() + ": " + train.withoutMask() + " instances have no segmentation; their box is their mask");
        if (train.leftOut() > 0) warn.accept(req.data() + ": " + train.leftOut() + " crowd regions or boxes without area left out of training");
        CocoDataset val = valData == null ? null : readVal(valData.json());
        Path valImages = val == null ? null : valData.images() != null ? valData.images() : CocoDetectionReader.defaultFolder(valData.json(), val);
        if (out == null) out = outDir.create();
        Init.seed(req.options().seed());
        MaskRcnnSpec spec = MaskRcnnSpec.smallImages(req.backbone(), train.classes().size() + 1, req.imgsz());
        FasterRcnn net = spec.build();
        ObjectNode run = JSON.createObjectNode();
        run.put("task", "segment");
        run.put("arch", MaskRcnnSpec.ARCHITECTURE);
        run.put("cvkit", dev.cvkit.Version.VERSION);
        run.put("data", abs(trainData.json()));
        if (dev.cvkit.data.detect.YoloDetectionReader.isYaml(req.data())) run.put("yolo_data", abs(req.data()));
        run.put("images", abs(train.images()));
        if (val != null) {
            run.put("val", abs(valData.json()));
            run.put("val_images", abs(valImages));
        }
        run.put("augment", augment.spec());
        run.put("command", command);
        InstanceTask task = new InstanceTask(train, val, valImages, spec, net, augment, threads, req.maxPixels());
        return new Ready(new TrainLoop(task, req.options(), out, run, listener), task, out,
                train.describe() + "; Mask R-CNN " + spec.box().backbone() + "-FPN at " + req.imgsz()
                        + (val == null ? "; no validation data" : "; validation: " + val.imageCount() + " images from " + valData.json()));
    }

    /** @param epochs null, or the new epoch count of a run trained by epochs */
    public static Ready resume(RunCheckpoint ck, Path dir, Integer epochs, int threads, long maxPixels, TrainLoop.Listener listener)
            throws IOException {
        JsonNode cfg = ck.config(), run = ck.run();
        TrainLoop.Options options = ck.options();
        if (epochs != null) {
            if (options.budgetS() > 0) throw new UserError("--epochs cannot change a run trained with --time", ExitCodes.USAGE);
            options = options.withEpochs(epochs);
        }
        MaskRcnnSpec spec;
        try {
            spec = MaskRcnnSpec.fromJson(cfg);
        } catch (IllegalArgumentException e) {
            throw new UserError(ck.file() + ": bad model config: " + e.getMessage(), ExitCodes.USAGE);
        }
        FasterRcnn net = spec.build();
        net.loadStateDict(ck.weights());
        InstanceSet train = InstanceSet.read(Path.of(run.path("data").asText()), Path.of(run.path("images").asText()));
        CocoDataset val = run.hasNonNull("val") ? readVal(Path.of(run.get("val").asText())) : null;
        Path valImages = run.hasNonNull("val_images") ? Path.of(run.get("val_images").asText()) : null;
        InstanceTask task = new InstanceTask(train, val, valImages, spec, net, BoxAugment.parse(run.path("augment").asText("none")), threads, maxPixels);
        TrainLoop loop = new TrainLoop(task, options, dir, (ObjectNode) run, listener);
        loop.restore(ck.contents().tensors(), ck.state());
        return new Ready(loop, task, dir, train.describe());
    }

    /** The validation ground truth; segm AP needs a mask for every annotation, so one without is a bad data file now, not at the first validation. */
    private static CocoDataset readVal(Path p) {
        CocoDataset d;
        try {
            d = CocoDataset.read(p, true);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED);
        }
        for (int j = 0; j < d.annotationCount(); j++) {
            if (d.annotationMask(j) == null) {
                throw new UserError(d.annotationAt(j) + ": no segmentation (validation scores segm AP, which needs a mask for every annotation)",
                        ExitCodes.INPUT_FAILED);
            }
        }
        return d;
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}
