package dev.cvkit.detection.rcnnsvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.IouType;
import dev.cvkit.data.detect.CocoDetectionReader;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.data.detect.YoloDetectionReader;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.DetectorEval;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Init;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.MetricsLog;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code cvkit train --task detect --arch rcnn}: R-CNN's multi-stage training in one run folder.
 * Stage 1 fine-tunes the CNN on warped regions ({@link FineTuneTask}) under {@link TrainLoop}, so
 * it has the loop's metrics, plots, checkpoints and bit-exact resume; stage 2
 * ({@link SvmStage}) caches the features of the training images' regions and fits the per-class
 * SVMs and box regressors on the best fine-tuned CNN; stage 3 measures the finished detector's
 * val AP. A {@code --time} budget T is split: half for fine-tuning, a quarter for extracting
 * features (the SVMs and regressors then take seconds), and the last quarter is left for the
 * final validation, which always covers the whole validation set. Stages 2 and 3 are quick to
 * repeat, so a run killed in them resumes from the fine-tuning checkpoint and redoes them.
 */
public final class RcnnTraining {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String ARCH = RcnnSvmDetector.ARCHITECTURE;
    public static final double FINE_TUNE_SHARE = 0.5, FEATURE_SHARE = 0.25;
    /** Validation AP as torchvision's evaluation: score ≥ 0.001, 100 per image. */
    static final DetectParams VAL_PARAMS = new DetectParams(0.001f, 0.3f, 100);
    /** What a saved model detects with by default: SVM margin above 0 (score 0.5), R-CNN's NMS at IoU 0.3. */
    public static final DetectParams MODEL_DEFAULTS = new DetectParams(0.5f, 0.3f, 100);

    /** What a new run needs; {@code spec} null: {@link CropNet.Spec#small()}. */
    public record Request(Path data, Path images, Path val, Path valImages, TrainLoop.Options options, long maxPixels, CropNet.Spec spec) {}

    /** A run ready for stage 1. */
    public record Ready(TrainLoop loop, FineTuneTask task, Path out, String describe, ObjectNode run, DetectionSet train,
                        CocoDataset val, Path valImages, TrainLoop.Options options, double budgetS, long seed, int threads,
                        long maxPixels) {}

    @FunctionalInterface
    public interface OutDir {
        Path create() throws IOException;
    }

    private RcnnTraining() {}

    public static Ready start(Request req, OutDir outDir, int threads, String command, Consumer<String> warn, TrainLoop.Listener listener)
            throws IOException {
        boolean yolo = YoloDetectionReader.isYaml(req.data());
        CocoDetectionReader.Read read = yolo ? YoloDetectionReader.read(req.data(), "train") : CocoDetectionReader.read(req.data(), req.images());
        if (read.cleaning().any()) warn.accept(req.data() + ": " + read.cleaning().describe());
        DetectionSet train = read.set();
        if (train.size() < 1) throw new UserError(req.data() + ": no images to train on", ExitCodes.INPUT_FAILED);
        Path out = outDir.create();
        Path valJson = req.val(), valImages = req.valImages();
        if (yolo && (valJson == null || YoloDetectionReader.isYaml(valJson))) {
            Path yaml = valJson == null ? req.data() : valJson;
            valJson = null;
            if (YoloDetectionReader.layout(yaml).splits().containsKey("val")) {
                CocoDetectionReader.Read v = YoloDetectionReader.read(yaml, "val");
                valJson = out.resolve("val_gt.json");
                dev.cvkit.io.AtomicFiles.write(valJson, JSON.writeValueAsBytes(dev.cvkit.data.detect.DatasetConverter.toCoco(v.set())));
                valImages = v.images();
            }
        }
        CocoDataset val = valJson == null ? null : readVal(valJson);
        if (val != null && valImages == null) valImages = CocoDetectionReader.defaultFolder(valJson, val);
        TrainLoop.Options o = req.options();
        double budget = o.budgetS();
        TrainLoop.Options fineTune = new TrainLoop.Options(o.batch(), o.lr(), o.optimizer(), o.weightDecay(), o.seed(), o.epochs(),
                budget * FINE_TUNE_SHARE, o.warmup(), o.valEvery(), o.patience(), o.clip());
        Init.seed(o.seed());
        CropNet.Spec spec = req.spec() != null ? req.spec() : CropNet.Spec.small();
        List<Integer> ids = new ArrayList<>();
        for (long id : train.categoryIds()) ids.add((int) id);
        RcnnModel model = new RcnnModel(RcnnSvmModelFile.PROPOSALS, spec, new CropNet(spec, train.classes().size()), train.classes(), ids,
                null, null);
        ObjectNode run = JSON.createObjectNode();
        run.put("task", "detect");
        run.put("arch", ARCH);
        run.put("cvkit", dev.cvkit.Version.VERSION);
        run.put("data", abs(req.data()));
        run.put("format", yolo ? "yolo" : "coco");
        run.put("images", abs(read.images()));
        if (val != null) {
            run.put("val", abs(valJson));
            run.put("val_images", abs(valImages));
        }
        run.put("budget_s", budget);
        run.put("command", command);
        return ready(run, train, model, val, valImages, fineTune, budget, out, threads, req.maxPixels(), listener, null);
    }

    /** @param epochs null, or a new epoch count for a run trained by epochs */
    public static Ready resume(Path dir, Integer epochs, int threads, long maxPixels, TrainLoop.Listener listener) throws IOException {
        RunCheckpoint ck = RunCheckpoint.read(dir, "detect");
        JsonNode run = ck.run();
        TrainLoop.Options options = ck.options();
        if (epochs != null) {
            if (options.budgetS() > 0) throw new UserError("--epochs cannot change a run trained with --time", ExitCodes.USAGE);
            options = options.withEpochs(epochs);
        }
        Path data = Path.of(run.path("data").asText()), images = Path.of(run.path("images").asText());
        DetectionSet train = "yolo".equals(run.path("format").asText()) ? YoloDetectionReader.read(data, "train").set()
                : CocoDetectionReader.read(data, images).set();
        RcnnModel model;
        try {
            model = RcnnSvmModelFile.load(ck.config(), ck.weights(), classes(ck.config()), ids(ck.config()));
        } catch (IllegalArgumentException e) {
            throw new UserError(ck.file() + ": bad model config: " + e.getMessage(), ExitCodes.USAGE);
        }
        CocoDataset val = run.hasNonNull("val") ? readVal(Path.of(run.get("val").asText())) : null;
        Path valImages = run.hasNonNull("val_images") ? Path.of(run.get("val_images").asText()) : null;
        return ready((ObjectNode) run, train, model, val, valImages, options, run.path("budget_s").asDouble(0), dir, threads, maxPixels,
                listener, ck);
    }

    private static Ready ready(ObjectNode run, DetectionSet train, RcnnModel model, CocoDataset val, Path valImages, TrainLoop.Options options,
                               double budget, Path out, int threads, long maxPixels, TrainLoop.Listener listener, RunCheckpoint ck)
            throws IOException {
        DetectionSet valSet = null;
        if (val != null) valSet = inTrainClasses(CocoDetectionReader.read(Path.of(run.get("val").asText()), valImages).set(), train);
        FineTuneTask task = new FineTuneTask(train, valSet, model, MODEL_DEFAULTS, threads, maxPixels);
        TrainLoop loop = new TrainLoop(task, options, out, run, listener);
        if (ck != null) loop.restore(ck.contents().tensors(), ck.state());
        String plan = budget > 0 ? String.format(Locale.ROOT, "; budget %s: fine-tuning %s, features %s, then the final validation",
                TrainLoop.formatTime(budget), TrainLoop.formatTime(budget * FINE_TUNE_SHARE), TrainLoop.formatTime(budget * FEATURE_SHARE)) : "";
        return new Ready(loop, task, out, train.describe() + (val == null ? "; no validation data" : "; validation: " + val.imageCount() + " images")
                + plan, run, train, val, valImages, options, budget, options.seed(), threads, maxPixels);
    }

    /** The validation set with its labels moved to the training set's classes (by category id; other categories dropped). */
    private static DetectionSet inTrainClasses(DetectionSet v, DetectionSet train) {
        Map<Long, Integer> index = new HashMap<>();
        for (int k = 0; k < train.categoryIds().length; k++) index.put(train.categoryIds()[k], k + 1);
        List<DetectionSet.Item> items = new ArrayList<>();
        for (DetectionSet.Item it : v.items()) {
            List<Integer> keep = new ArrayList<>();
            for (int j = 0; j < it.count(); j++) if (index.containsKey(v.categoryIds()[it.labels()[j] - 1])) keep.add(j);
            float[] boxes = new float[4 * keep.size()];
            int[] labels = new int[keep.size()];
            for (int k = 0; k < keep.size(); k++) {
                int j = keep.get(k);
                System.arraycopy(it.boxes(), 4 * j, boxes, 4 * k, 4);
                labels[k] = index.get(v.categoryIds()[it.labels()[j] - 1]);
            }
            items.add(new DetectionSet.Item(it.path(), it.file(), it.imageId(), it.width(), it.height(), boxes, labels));
        }
        return new DetectionSet(v.source(), train.classes(), train.categoryIds(), items);
    }

    /** What stages 2 and 3 gave. */
    public record Finished(Map<String, Double> val, SvmStage.Report svm, double testMsPerImage) {}

    /**
     * Stages 2 and 3 after the loop: SVMs and regressors on the best fine-tuned CNN, the final
     * validation, the metrics row and plots, and best/last model files holding the whole R-CNN.
     */
    public static Finished finish(Ready r, Consumer<String> say) throws IOException {
        RcnnModel model = r.task().model();
        Path best = r.out().resolve("best.safetensors");
        if (Files.isRegularFile(best)) {
            Map<String, Tensor> cnn = new HashMap<>();
            SafeTensors.read(best).tensors().forEach((k, v) -> {
                if (k.startsWith("cnn.")) cnn.put(k.substring(4), v);
            });
            model.net().loadStateDict(cnn);
        }
        double featureBudget = r.budgetS() * FEATURE_SHARE;
        SvmStage.Result svm = SvmStage.run(model, r.train(), r.task().proposalCache(), r.threads(), featureBudget,
                r.seed(), r.maxPixels(), say);
        RcnnModel done = svm.model();
        Map<String, Double> val = new java.util.LinkedHashMap<>();
        double ms = Double.NaN;
        if (r.val() != null) {
            long t0 = System.nanoTime();
            RcnnSvmDetector det = new RcnnSvmDetector(done, VAL_PARAMS);
            DetectorEval.Result e = DetectorEval.run(det, r.val(), r.valImages(), VAL_PARAMS, CocoParams.defaults(IouType.BBOX), r.maxPixels(),
                    r.threads(), (file, error) -> {
                        if (error != null) throw new UserError(file + ": " + error, 1);
                    });
            ms = (System.nanoTime() - t0) / 1e6 / Math.max(1, r.val().imageCount());
            double[] st = e.eval().summarize();
            val.put("val_ap", round(st[0]));
            val.put("val_ap50", round(st[1]));
            val.put("val_ap75", round(st[2]));
            val.put("val_ar100", round(st[8]));
            say.accept(String.format(Locale.ROOT, "rcnn: val AP %.4f AP50 %.4f (SVMs and box regression; %.0f ms per validation image, %d thread%s)",
                    st[0], st[1], ms, r.threads(), r.threads() == 1 ? "" : "s"));
        }
        MetricsLog log = new MetricsLog(r.out(), "iteration");
        log.load(Integer.MAX_VALUE);
        log.rows().removeIf(row -> row.has("stage"));
        double elapsed = log.rows().isEmpty() ? 0 : log.rows().get(log.rows().size() - 1).path("elapsed_s").asDouble();
        ObjectNode row = JSON.createObjectNode();
        row.put("iteration", r.loop().iteration());
        row.put("stage", "svm");
        // AP and AP50 only, so that val.png's legend stays readable (all four are in the model's training record)
        if (val.containsKey("val_ap")) {
            row.put("val_ap", val.get("val_ap"));
            row.put("val_ap50", val.get("val_ap50"));
        }
        row.put("svm_images", svm.report().images());
        row.put("svm_regions", svm.report().regions());
        row.put("svm_seconds", Math.round(svm.report().seconds() * 10) / 10.0);
        if (!Double.isNaN(ms)) row.put("test_ms_per_image", Math.round(ms * 10) / 10.0);
        row.put("best", true);
        row.put("elapsed_s", Math.round((elapsed + svm.report().seconds() + (Double.isNaN(ms) ? 0 : ms * r.val().imageCount() / 1000)) * 10) / 10.0);
        log.add(row);
        TrainLoop.plots(r.out(), log);
        ObjectNode training = JSON.createObjectNode();
        training.setAll(r.run());
        training.set("options", r.options().toJson());
        training.put("iteration", r.loop().iteration());
        val.forEach(training::put);
        training.set("svm", svm.report().details());
        ObjectNode cfg = RcnnSvmModelFile.config(done, MODEL_DEFAULTS, training);
        RcnnSvmModelFile.save(r.out().resolve("last.safetensors"), done, cfg, "", Map.of(), Map.of());
        RcnnSvmModelFile.save(best, done, cfg, "", Map.of(), Map.of());
        return new Finished(val, svm.report(), ms);
    }

    private static List<String> classes(JsonNode cfg) {
        List<String> c = new ArrayList<>();
        cfg.path("classes").forEach(n -> c.add(n.asText()));
        return c;
    }

    private static List<Integer> ids(JsonNode cfg) {
        List<Integer> c = new ArrayList<>();
        cfg.path("category_ids").forEach(n -> c.add(n.asInt()));
        return c;
    }

    private static CocoDataset readVal(Path p) {
        try {
            return CocoDataset.read(p, false);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}
