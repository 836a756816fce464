package dev.cvkit.segmentation.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.detect.YoloDetectionReader;
import dev.cvkit.data.segment.SemanticData;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.nn.Init;
import dev.cvkit.segmentation.Fcn;
import dev.cvkit.segmentation.FcnSpec;
import dev.cvkit.segmentation.LabelMapSet;
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
                          String upsample, String augment, TrainLoop.Options options, long maxPixels, LabelFolders folders) {
        /** A run on COCO or YOLO data. */
        public Request(String arch, Path data, Path images, Path val, Path valImages, String backbone, int imgsz, String head,
                       String upsample, String augment, TrainLoop.Options options, long maxPixels) {
            this(arch, data, images, val, valImages, backbone, imgsz, head, upsample, augment, options, maxPixels, null);
        }
    }

    /**
     * Label-map folders for --data IMAGES and --val VAL_IMAGES: {@code labels} and {@code valLabels}
     * (null without --val), the label value to ignore, and the number of classes (background
     * included; null: the largest index the training and validation labels show, plus one).
     */
    public record LabelFolders(Path labels, Path valLabels, int ignoreIndex, Integer classes) {}

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
        if (upsample.equals("transposed") && head.equals(FcnSpec.DILATED)) {
            throw new UserError("--upsample transposed is for the FCN-32s/16s/8s heads of resnet18 and resnet34 (not the dilated FCN)", ExitCodes.USAGE);
        }
        if (upsample.equals("transposed") && req.imgsz() % 32 != 0) {
            throw new UserError("--upsample transposed needs --imgsz a multiple of 32 (got " + req.imgsz() + ")", ExitCodes.USAGE);
        }
        boolean hflip = hflip(req.augment());
        if (req.folders() != null) return startOnFolders(req, head, upsample, hflip, outDir, threads, command, listener);
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
        return new Ready(new TrainLoop(task, req.options(), out, run, listener), task, out, describe(train, spec, val));
    }

    /** A run on a folder of images with a folder of label maps (and the same for validation). */
    private static Ready startOnFolders(Request req, String head, String upsample, boolean hflip, OutDir outDir, int threads, String command,
                                        TrainLoop.Listener listener) throws IOException {
        LabelFolders f = req.folders();
        if (req.images() != null || req.valImages() != null) {
            throw new UserError((req.images() != null ? "--images" : "--val-images") + " goes with COCO JSON data; with --labels, --data and --val are the image folders",
                    ExitCodes.USAGE);
        }
        if ((req.val() == null) != (f.valLabels() == null)) {
            throw new UserError(req.val() == null ? "--val-labels needs --val VAL_IMAGES" : "--val " + req.val() + " needs --val-labels VAL_LABELS (its label maps)",
                    ExitCodes.USAGE);
        }
        if (f.classes() != null && (f.classes() < 2 || f.classes() > 255)) {
            throw new UserError("--classes " + f.classes() + ": 2..255 (background included)", ExitCodes.USAGE);
        }
        LabelMapSet train = LabelMapSet.read(req.data(), f.labels(), f.ignoreIndex(), req.maxPixels());
        LabelMapSet val = req.val() == null ? null : LabelMapSet.read(req.val(), f.valLabels(), f.ignoreIndex(), req.maxPixels());
        int k = f.classes() != null ? f.classes() : Math.max(train.classesSeen(), val == null ? 0 : val.classesSeen());
        if (k < 2) {
            throw new UserError(f.labels() + ": the label maps show no class but 0 (background): nothing to learn (or give --classes N)",
                    ExitCodes.INPUT_FAILED);
        }
        List<String> names = LabelMapSet.indexNames(k);
        train = train.withClasses(names);
        if (val != null) val = val.withClasses(names);
        Path out = outDir.create();
        Init.seed(req.options().seed());
        FcnSpec spec = FcnSpec.of(req.backbone(), k, req.imgsz(), head, upsample);
        Fcn net = spec.build();
        ObjectNode run = JSON.createObjectNode();
        run.put("task", "segment");
        run.put("arch", req.arch());
        run.put("images", abs(train.images()));
        run.put("labels", abs(f.labels()));
        if (val != null) {
            run.put("val_images", abs(val.images()));
            run.put("val_labels", abs(f.valLabels()));
        }
        run.put("ignore_index", f.ignoreIndex());
        run.put("augment", hflip ? "hflip" : "none");
        run.put("command", command);
        SegmentTask task = new SegmentTask(train, val, spec, net, hflip, threads, req.maxPixels());
        return new Ready(new TrainLoop(task, req.options(), out, run, listener), task, out, describe(train, spec, val));
    }

    private static String describe(SemanticData train, FcnSpec spec, SemanticData val) {
        return train.describe() + "; " + spec.backbone() + " " + spec.head() + (spec.transposed() ? " (learned upsampling)" : "")
                + " at " + spec.size() + "²" + (val == null ? "; no validation data" : "; validation: " + val.size() + " images from " + val.source());
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
        SemanticData train, val;
        if (run.hasNonNull("labels")) { // label-map folders: the classes are the model's
            int ignore = run.path("ignore_index").asInt(SemanticSet.IGNORE);
            List<String> names = LabelMapSet.indexNames(spec.classes());
            train = LabelMapSet.read(Path.of(run.get("images").asText()), Path.of(run.get("labels").asText()), ignore, maxPixels).withClasses(names);
            val = run.hasNonNull("val_labels") ? LabelMapSet.read(Path.of(run.get("val_images").asText()), Path.of(run.get("val_labels").asText()),
                    ignore, maxPixels).withClasses(names) : null;
        } else {
            train = SemanticSet.read(Path.of(run.path("data").asText()), Path.of(run.path("images").asText()));
            val = run.hasNonNull("val") ? SemanticSet.read(Path.of(run.get("val").asText()), Path.of(run.get("val_images").asText())) : null;
        }
        SegmentTask task = new SegmentTask(train, val, spec, net, hflip(run.path("augment").asText("none")), threads, maxPixels);
        TrainLoop loop = new TrainLoop(task, options, dir, (ObjectNode) run, listener);
        loop.restore(ck.contents().tensors(), ck.state());
        return new Ready(loop, task, dir, train.describe());
    }

    /** The config's head for a --head value: fcn32s → fcn-32s, dilated → fcn-dilated8; null → the backbone's default. */
    static String head(String given, String backbone) {
        if (given == null) return FcnSpec.defaultHead(backbone);
        String g = given.strip().toLowerCase(java.util.Locale.ROOT);
        if (g.equals("dilated") || g.equals(FcnSpec.DILATED)) return FcnSpec.DILATED;
        if (backbone.equals("resnet50")) {
            throw new UserError("--head " + given + ": resnet50 is the dilated FCN (no skip variants; use resnet18 or resnet34)", ExitCodes.USAGE);
        }
        String h = g.replace("fcn-", "fcn").replace("fcn", "fcn-");
        if (!FcnSpec.HEADS.contains(h)) throw new UserError("--head " + given + ": use fcn32s, fcn16s, fcn8s or dilated", ExitCodes.USAGE);
        return h;
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

}
