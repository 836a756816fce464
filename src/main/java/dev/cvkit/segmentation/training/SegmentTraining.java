package dev.cvkit.segmentation.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.detect.YoloDetectionReader;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.nn.Init;
import dev.cvkit.segmentation.Fcn;
import dev.cvkit.segmentation.FcnSpec;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Sets up {@code cvkit train --task segment}: a new run from options, or a resumed one from its checkpoint. */
public final class SegmentTraining {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FCN = "fcn";

    /**
     * What a new run needs. {@code head}: fcn32s, fcn16s or fcn8s (also as fcn-8s), null for the
     * backbone's default; {@code upsample}: bilinear or transposed, null for bilinear.
     */
    public record Request(String arch, Path data, Path images, Path val, Path valImages, String backbone, int imgsz, String head,
                          String upsample, String augment, TrainLoop.Options options, long maxPixels) {}

    /** A run ready to go. */
    public record Ready(TrainLoop loop, SegmentTask task, Path out, String describe) {}

    @FunctionalInterface
    public interface OutDir {
        Path create() throws IOException;
    }

    private SegmentTraining() {}

    /** The augmentations segmentation training knows: none or hflip. */
    static boolean hflip(String augment) {
        String a = augment.strip().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("none", "hflip").contains(a)) throw new UserError("--augment " + augment + ": segment training knows none or hflip", ExitCodes.USAGE);
        return a.equals("hflip");
    }

    public static Ready start(Request req, OutDir outDir, int threads, String command, Consumer<String> warn, TrainLoop.Listener listener)
            throws IOException {
        if (!FCN.equals(req.arch())) throw new UserError("--arch " + req.arch() + ": use fcn or mask-rcnn", ExitCodes.USAGE);
        if (!FcnSpec.BACKBONES.contains(req.backbone())) {
            throw new UserError("--backbone " + req.backbone() + ": use " + String.join(", ", FcnSpec.BACKBONES), ExitCodes.USAGE);
        }
        if (req.imgsz() < 32 || req.imgsz() > 4096) throw new UserError("--imgsz must be in 32..4096", ExitCodes.USAGE);
        String head = head(req.head(), req.backbone());
        String upsample = req.upsample() == null ? "bilinear" : req.upsample().strip().toLowerCase(java.util.Locale.ROOT);
        if (!FcnSpec.UPSAMPLES.contains(upsample)) throw new UserError("--upsample " + req.upsample() + ": use bilinear or transposed", ExitCodes.USAGE);
        if (upsample.equals("transposed") && req.backbone().equals("resnet50")) {
            throw new UserError("--upsample transposed is for the FCN-32s/16s/8s heads of resnet18 and resnet34 (resnet50 is the dilated FCN)", ExitCodes.USAGE);
        }
        if (upsample.equals("transposed") && req.imgsz() % 32 != 0) {
            throw new UserError("--upsample transposed needs --imgsz a multiple of 32 (got " + req.imgsz() + ")", ExitCodes.USAGE);
        }
        boolean hflip = hflip(req.augment());
        SegmentData trainData = SegmentData.train(req.data(), req.images()), valData = SegmentData.val(req.data(), req.val(), req.valImages());
        // YOLO splits, checked by now, become COCO files in the run folder
        Path out = trainData.converted() || valData != null && valData.converted() ? outDir.create() : null;
        if (out != null) {
            trainData = trainData.written(out);
            if (valData != null) valData = valData.written(out);
        }
        SemanticSet train = SemanticSet.read(trainData.json(), trainData.images());
        if (train.size() < 1) throw new UserError(req.data() + ": no images to train on", ExitCodes.INPUT_FAILED);
        if (train.withoutMask() > 0) warn.accept(req.data() + ": " + train.withoutMask() + " annotations have no segmentation and mark no pixel");
        SemanticSet val = valData == null ? null : SemanticSet.read(valData.json(), valData.images());
        if (val != null && !val.classes().equals(train.classes())) {
            throw new UserError(valData.json() + ": its categories " + val.classes() + " differ from the training data's " + train.classes(),
                    ExitCodes.INPUT_FAILED);
        }
        if (out == null) out = outDir.create();
        Init.seed(req.options().seed());
        FcnSpec spec = FcnSpec.of(req.backbone(), train.classes().size() + 1, req.imgsz(), head, upsample);
        Fcn net = spec.build();
        ObjectNode run = JSON.createObjectNode();
        run.put("task", "segment");
        run.put("arch", req.arch());
        run.put("data", abs(trainData.json()));
        if (YoloDetectionReader.isYaml(req.data())) run.put("yolo_data", abs(req.data()));
        run.put("images", abs(train.images()));
        if (val != null) {
            run.put("val", abs(valData.json()));
            run.put("val_images", abs(val.images()));
        }
        run.put("augment", hflip ? "hflip" : "none");
        run.put("command", command);
        SegmentTask task = new SegmentTask(train, val, spec, net, hflip, threads, req.maxPixels());
        return new Ready(new TrainLoop(task, req.options(), out, run, listener), task, out,
                train.describe() + "; " + spec.backbone() + " " + spec.head() + (spec.transposed() ? " (learned upsampling)" : "")
                        + " at " + spec.size() + "²"
                        + (val == null ? "; no validation data" : "; validation: " + val.size() + " images from " + valData.json()));
    }

    public static Ready resume(Path dir, int threads, long maxPixels, TrainLoop.Listener listener) throws IOException {
        RunCheckpoint ck = RunCheckpoint.read(dir, "segment");
        JsonNode cfg = ck.config(), run = ck.run();
        TrainLoop.Options options = ck.options();
        FcnSpec spec;
        try {
            spec = FcnSpec.fromJson(cfg);
        } catch (IllegalArgumentException e) {
            throw new UserError(ck.file() + ": bad model config: " + e.getMessage(), ExitCodes.USAGE);
        }
        Fcn net = spec.build();
        net.loadStateDict(ck.weights());
        SemanticSet train = SemanticSet.read(Path.of(run.path("data").asText()), Path.of(run.path("images").asText()));
        SemanticSet val = run.hasNonNull("val") ? SemanticSet.read(Path.of(run.get("val").asText()), Path.of(run.get("val_images").asText())) : null;
        SegmentTask task = new SegmentTask(train, val, spec, net, hflip(run.path("augment").asText("none")), threads, maxPixels);
        TrainLoop loop = new TrainLoop(task, options, dir, (ObjectNode) run, listener);
        loop.restore(ck.contents().tensors(), ck.state());
        return new Ready(loop, task, dir, train.describe());
    }

    /** The config's head for a --head value: fcn32s → fcn-32s; null → the backbone's default. */
    static String head(String given, String backbone) {
        if (given == null) return FcnSpec.defaultHead(backbone);
        if (backbone.equals("resnet50")) {
            throw new UserError("--head " + given + ": resnet50 is the dilated FCN (no skip variants; use resnet18 or resnet34)", ExitCodes.USAGE);
        }
        String h = given.strip().toLowerCase(java.util.Locale.ROOT).replace("fcn-", "fcn").replace("fcn", "fcn-");
        if (!FcnSpec.HEADS.contains(h)) throw new UserError("--head " + given + ": use fcn32s, fcn16s or fcn8s", ExitCodes.USAGE);
        return h;
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

}
