package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.IouType;
import dev.cvkit.data.Seeds;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.DetectorEval;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.FasterRcnnSpec;
import dev.cvkit.detection.rcnn.RcnnDetector;
import dev.cvkit.detection.rcnn.RcnnModelFile;
import dev.cvkit.detection.rcnn.RcnnTransform;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Faster R-CNN training as a {@link TrainTask}: a step decodes its images in parallel, augments
 * each with its own seeded draws ({@link BoxAugment}), applies the network's input transform
 * and returns the four losses; validation runs the network as a {@link RcnnDetector} on the
 * validation set and scores it with cvkit's COCO evaluator ({@code val_ap}, {@code val_ap50}).
 */
public final class DetectionTask implements TrainTask, AutoCloseable {
    /** Score threshold and detections per image for validation AP (torchvision's evaluation: 0.001 and 100). */
    static final DetectParams VAL_PARAMS = new DetectParams(0.001f, 0.5f, 100);
    /** What a saved model detects with by default. */
    public static final DetectParams MODEL_DEFAULTS = new DetectParams(0.25f, 0.5f, 100);

    private final DetectionSet train;
    private final CocoDataset val;
    private final Path valImages;
    private final FasterRcnnSpec spec;
    private final FasterRcnn net;
    private final RcnnTransform transform;
    private final BoxAugment augment;
    private final long maxPixels;
    private final ExecutorService decoders;
    private final List<Integer> categoryIds = new ArrayList<>();
    private final String arch;
    /** Fast R-CNN: each training image's selective-search proposals, computed once, in its original pixels. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, float[]> proposalCache = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param arch {@code faster-rcnn}, or {@code fast-rcnn} (selective-search proposals, box-head losses only) */
    public DetectionTask(String arch, DetectionSet train, CocoDataset val, Path valImages, FasterRcnnSpec spec, FasterRcnn net,
                         BoxAugment augment, int threads, long maxPixels) {
        this.arch = arch;
        this.train = train;
        this.val = val;
        this.valImages = valImages;
        this.spec = spec;
        this.net = net;
        this.transform = spec.transform();
        this.augment = augment;
        this.maxPixels = maxPixels;
        this.decoders = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "cvkit-decode");
            t.setDaemon(true);
            return t;
        });
        for (long id : train.categoryIds()) categoryIds.add((int) id);
    }

    @Override
    public int trainSize() { return train.size(); }

    @Override
    public int valSize() { return val == null ? 0 : val.imageCount(); }

    @Override
    public Map<String, Tensor> losses(int[] samples, long seed) {
        boolean fast = RcnnModelFile.FAST.equals(arch);
        List<Future<Prepared>> jobs = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            DetectionSet.Item item = train.items().get(samples[k]);
            int index = samples[k];
            long s = Seeds.mix(seed, Seeds.AUGMENT, 0, k);
            jobs.add(decoders.submit(() -> {
                RgbImage img = decode(item);
                BoxAugment.Sample a = augment.apply(img, item.boxes(), item.labels(), new SplittableRandom(s));
                float[] props = !fast ? null : augment.boxesOnly(proposalCache.computeIfAbsent(index, i -> RcnnModelFile.FAST_PROPOSALS.propose(img)),
                        img.width(), img.height(), new SplittableRandom(s));
                return new Prepared(a, props);
            }));
        }
        List<Tensor> images = new ArrayList<>();
        List<float[]> boxes = new ArrayList<>(), props = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        for (Future<Prepared> f : jobs) {
            Prepared r = Workers.get(f);
            BoxAugment.Sample s = r.sample();
            images.add(RcnnDetector.toTensor(s.image()));
            boxes.add(s.boxes());
            labels.add(s.labels());
            props.add(r.proposals());
            sizes.add(new int[] {s.image().height(), s.image().width()});
        }
        RcnnTransform.Batch b = transform.apply(images, boxes);
        if (!fast) return net.losses(b.images(), b.sizes(), b.boxes(), labels, new SplittableRandom(seed));
        List<float[]> scaled = new ArrayList<>();
        for (int k = 0; k < props.size(); k++) scaled.add(RcnnTransform.resizeBoxes(props.get(k), sizes.get(k), b.sizes()[k]));
        return net.boxLosses(b.images(), b.sizes(), scaled, b.boxes(), labels, new SplittableRandom(seed));
    }

    /** A training image after augmentation, with its proposals moved alike (Fast R-CNN; else null). */
    private record Prepared(BoxAugment.Sample sample, float[] proposals) {}

    private RgbImage decode(DetectionSet.Item item) {
        try (Mat m = Workers.read(item.path(), maxPixels)) {
            RgbImage img = RgbImage.fromMat(m);
            if (img.width() != item.width() || img.height() != item.height()) {
                throw new UserError(item.path() + ": is " + img.width() + "×" + img.height() + " but the data set says "
                        + item.width() + "×" + item.height(), 1);
            }
            return img;
        }
    }

    

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (val == null) return out;
        RcnnDetector det = detector(VAL_PARAMS);
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
    public RcnnDetector detector(DetectParams defaults) {
        return new RcnnDetector(net, transform, defaults, train.classes(), categoryIds,
                RcnnModelFile.FAST.equals(arch) ? RcnnModelFile.FAST_PROPOSALS : null);
    }

    @Override
    public String scoreName() { return "val_ap"; }

    @Override
    public Module network() { return net; }

    @Override
    public void saveModel(Path file, ObjectNode training) throws IOException {
        RcnnModelFile.save(file, net, RcnnModelFile.config(arch, spec, train.classes(), categoryIds, MODEL_DEFAULTS, training), "", Map.of(), Map.of());
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException {
        RcnnModelFile.save(file, net, RcnnModelFile.config(arch, spec, train.classes(), categoryIds, MODEL_DEFAULTS, null), "model.", extra,
                metadata);
    }

    @Override
    public void close() {
        decoders.shutdownNow();
    }
}
