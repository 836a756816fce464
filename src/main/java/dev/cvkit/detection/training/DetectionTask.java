package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.IouType;
import dev.cvkit.data.Seeds;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.DetectorEval;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.TrainTask;
import dev.cvkit.train.Workers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Detector training as a {@link TrainTask}, for any {@link TrainableDetector}: a step decodes
 * its images in parallel, augments each with its own seeded draws ({@link BoxAugment}) and
 * returns the family's losses; validation runs the network as a detector on the validation set
 * and scores it with cvkit's COCO evaluator ({@code val_ap}, {@code val_ap50}).
 */
public final class DetectionTask implements TrainTask, AutoCloseable {
    /** Score threshold and detections per image for validation AP (torchvision's evaluation: 0.001 and 100). */
    static final DetectParams VAL_PARAMS = new DetectParams(0.001f, 0.5f, 100);
    /** What a saved model detects with by default. */
    public static final DetectParams MODEL_DEFAULTS = new DetectParams(0.25f, 0.5f, 100);

    private final TrainableDetector model;
    private final DetectionSet train;
    private final CocoDataset val;
    private final Path valImages;
    private final BoxAugment augment;
    private final double closeMosaic;
    private final long maxPixels;
    private final ExecutorService decoders;
    private final List<Integer> categoryIds = new ArrayList<>();
    /** Each training image's proposals (families that train on them), computed once, in its original pixels. */
    private final ConcurrentHashMap<Integer, float[]> proposalCache = new ConcurrentHashMap<>();

    public DetectionTask(TrainableDetector model, DetectionSet train, CocoDataset val, Path valImages, BoxAugment augment, int threads,
                         long maxPixels) {
        this(model, train, val, valImages, augment, CLOSE_MOSAIC, threads, maxPixels);
    }

    /** @param closeMosaic the share of the planned iterations at the end without mosaics, in [0, 1) (0: mosaics to the end) */
    public DetectionTask(TrainableDetector model, DetectionSet train, CocoDataset val, Path valImages, BoxAugment augment, double closeMosaic,
                         int threads, long maxPixels) {
        if (!(closeMosaic >= 0 && closeMosaic < 1)) throw new IllegalArgumentException("close mosaic: " + closeMosaic + " is not in [0, 1)");
        this.closeMosaic = closeMosaic;
        this.model = model;
        this.train = train;
        this.val = val;
        this.valImages = valImages;
        this.augment = augment;
        this.maxPixels = maxPixels;
        this.decoders = Workers.decoders(threads);
        for (long id : train.categoryIds()) categoryIds.add((int) id);
    }

    @Override
    public int trainSize() { return train.size(); }

    @Override
    public int valSize() { return val == null ? 0 : val.imageCount(); }

    @Override
    public Map<String, Tensor> losses(int[] samples, long seed) {
        return losses(samples, seed, true);
    }

    /** Mosaic (when {@code --augment} has it) until the last {@code closeMosaic} share of the planned iterations. */
    @Override
    public Step step(int[] samples, long seed, Progress progress) {
        return new Step(losses(samples, seed, closeMosaic == 0 || progress.done() < 1 - closeMosaic), Map.of());
    }

    /**
     * The default share of the planned iterations at the end of training without mosaics, so the
     * network ends on images like those it will see (Ultralytics' close_mosaic: the last 10 of
     * its default 100 epochs); {@code --close-mosaic} sets it.
     */
    public static final double CLOSE_MOSAIC = 0.1;

    private Map<String, Tensor> losses(int[] samples, long seed, boolean mosaics) {
        List<Future<Prepared>> jobs = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            DetectionSet.Item item = train.items().get(samples[k]);
            int index = samples[k];
            long s = Seeds.mix(seed, Seeds.AUGMENT, 0, k);
            long ms = Seeds.mix(seed, Seeds.AUGMENT, 1, k);
            jobs.add(decoders.submit(() -> {
                RgbImage img = decode(item);
                BoxAugment.Sample m = mosaics ? mosaic(item, img, new SplittableRandom(ms)) : null;
                if (m != null) {
                    if (model.proposals(img) != null) {
                        throw new UserError("--augment mosaic: --arch " + model.architecture() + " trains on proposals, which a mosaic does not move", ExitCodes.USAGE);
                    }
                    return new Prepared(augment.apply(m.image(), m.boxes(), m.labels(), new SplittableRandom(s)), null);
                }
                BoxAugment.Sample a = augment.apply(img, item.boxes(), item.labels(), new SplittableRandom(s));
                float[] own = proposalCache.computeIfAbsent(index, i -> {
                    float[] p = model.proposals(img);
                    return p == null ? NONE : p;
                });
                float[] props = own == NONE ? null : augment.boxesOnly(own, img.width(), img.height(), new SplittableRandom(s));
                return new Prepared(a, props);
            }));
        }
        List<RgbImage> images = new ArrayList<>();
        List<float[]> boxes = new ArrayList<>(), props = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (Future<Prepared> f : jobs) {
            Prepared r = Workers.get(f);
            images.add(r.sample().image());
            boxes.add(r.sample().boxes());
            labels.add(r.sample().labels());
            props.add(r.proposals());
        }
        return model.losses(new TrainableDetector.Batch(images, boxes, labels, props), new SplittableRandom(seed));
    }

    /**
     * With {@code --augment mosaic}, half of the samples (a draw from r) become a {@link Mosaic}
     * of the image and three others drawn from r, at the image's size; else null.
     */
    private BoxAugment.Sample mosaic(DetectionSet.Item item, RgbImage img, SplittableRandom r) {
        if (!augment.mosaic() || r.nextDouble() >= MOSAIC_P) return null;
        List<BoxAugment.Sample> four = new ArrayList<>();
        four.add(new BoxAugment.Sample(img, item.boxes(), item.labels()));
        for (int k = 0; k < 3; k++) {
            DetectionSet.Item other = train.items().get(r.nextInt(train.size()));
            four.add(new BoxAugment.Sample(decode(other), other.boxes(), other.labels()));
        }
        return Mosaic.combine(four, img.width(), img.height(), r);
    }

    /** The share of samples that are mosaics when mosaic is on. */
    static final double MOSAIC_P = 0.5;

    /** The cache's mark of an image without proposals. */
    private static final float[] NONE = new float[0];

    /** A training image after augmentation, with its proposals moved alike (or null). */
    private record Prepared(BoxAugment.Sample sample, float[] proposals) {}

    private RgbImage decode(DetectionSet.Item item) {
        return Workers.readSized(item.path(), item.width(), item.height(), maxPixels);
    }

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (val == null) return out;
        BatchDetector det = detector(VAL_PARAMS);
        DetectorEval.Result r = DetectorEval.run(det, val, valImages, VAL_PARAMS, CocoParams.defaults(IouType.BBOX), maxPixels, 1,
                (file, error) -> {
                    if (error != null) throw new UserError(file + ": " + error, 1);
                });
        double[] stats = r.eval().summarize();
        out.put("val_ap", round(stats[0]));
        out.put("val_ap50", round(stats[1]));
        out.put("val_ap75", round(stats[2]));
        out.put("val_ar100", round(stats[8]));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** The network being trained as a detector (sharing its weights). */
    public BatchDetector detector(DetectParams defaults) {
        return model.detector(defaults, train.classes(), categoryIds);
    }

    /** The network being trained. */
    public TrainableDetector model() { return model; }

    @Override
    public String scoreName() { return "val_ap"; }

    @Override
    public Module network() { return model.network(); }

    @Override
    public void saveModel(Path file, ObjectNode training) throws IOException {
        DetectorModelFile.save(file, model, DetectorModelFile.config(model, train.classes(), categoryIds, MODEL_DEFAULTS, training), "", Map.of(),
                Map.of());
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException {
        DetectorModelFile.save(file, model, DetectorModelFile.config(model, train.classes(), categoryIds, MODEL_DEFAULTS, null), "model.", extra,
                metadata);
    }

    @Override
    public void close() {
        decoders.shutdownNow();
    }
}
