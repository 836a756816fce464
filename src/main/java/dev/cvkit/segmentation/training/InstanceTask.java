package dev.cvkit.segmentation.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.data.Seeds;
import dev.cvkit.data.segment.InstanceSet;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.TransformedDetector;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.training.BoxAugment;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Module;
import dev.cvkit.segmentation.InstanceEval;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.segmentation.InstanceSegmenter;
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
import java.util.concurrent.Future;

/**
 * Mask R-CNN training as a {@link TrainTask}: a step decodes its images in parallel, flips image,
 * boxes and masks together ({@link BoxAugment}'s flips and colour jitter; its zoom is not
 * applied to masks, so it is refused), applies the network's input transform (masks resized
 * nearest, as torchvision's GeneralizedRCNNTransform) and returns Faster R-CNN's four losses plus
 * the mask loss on RoI Align 14×14 → 28×28 targets ({@link FasterRcnn#losses}). Validation runs
 * the network as an {@link InstanceSegmenter} over the validation set: {@code val_segm_ap} (the
 * score), {@code val_segm_ap50} and the box {@code val_ap}, {@code val_ap50}, from cvkit's COCO
 * evaluator.
 */
public final class InstanceTask implements TrainTask, AutoCloseable {
    /** Score threshold and detections per image for validation AP (torchvision's evaluation: 0.001 and 100). */
    static final DetectParams VAL_PARAMS = new DetectParams(0.001f, 0.5f, 100);
    /** What a saved model segments with by default. */
    public static final DetectParams MODEL_DEFAULTS = new DetectParams(0.5f, 0.5f, 100);

    private final InstanceSet train;
    private final CocoDataset val;
    private final Path valImages;
    private final MaskRcnnSpec spec;
    private final FasterRcnn net;
    private final RcnnTransform transform;
    private final BoxAugment augment;
    private final long maxPixels;
    private final ExecutorService decoders;
    private final List<Integer> categoryIds = new ArrayList<>();

    public InstanceTask(InstanceSet train, CocoDataset val, Path valImages, MaskRcnnSpec spec, FasterRcnn net, BoxAugment augment, int threads,
                        long maxPixels) {
        if (augment.scale()) throw new UserError("--augment scale is not supported for mask-rcnn (use hflip, vflip, color)", 2);
        this.train = train;
        this.val = val;
        this.valImages = valImages;
        this.spec = spec;
        this.net = net;
        this.transform = spec.box().transform();
        this.augment = augment;
        this.maxPixels = maxPixels;
        this.decoders = Workers.decoders(threads);
        for (long id : train.categoryIds()) categoryIds.add((int) id);
    }

    @Override
    public int trainSize() { return train.size(); }

    @Override
    public int valSize() { return val == null ? 0 : val.imageCount(); }

    /** An augmented training image: boxes, labels, and masks [count × h × w]. */
    record Sample(RgbImage image, float[] boxes, int[] labels, byte[] masks) {}

    @Override
    public Map<String, Tensor> losses(int[] samples, long seed) {
        List<Future<Sample>> jobs = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            int index = samples[k];
            long s = Seeds.mix(seed, Seeds.AUGMENT, 0, k);
            jobs.add(decoders.submit(() -> prepare(index, s)));
        }
        List<Tensor> images = new ArrayList<>();
        List<float[]> boxes = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        List<Sample> prepared = new ArrayList<>();
        for (Future<Sample> f : jobs) {
            Sample p = Workers.get(f);
            prepared.add(p);
            images.add(TransformedDetector.toTensor(p.image()));
            boxes.add(p.boxes());
            labels.add(p.labels());
        }
        RcnnTransform.Batch b = transform.apply(images, boxes);
        List<Tensor> masks = new ArrayList<>();
        for (int k = 0; k < prepared.size(); k++) {
            Sample p = prepared.get(k);
            masks.add(resizeMasks(p.masks(), p.labels().length, p.image().height(), p.image().width(), b.sizes()[k][0], b.sizes()[k][1]));
        }
        return net.losses(b.images(), b.sizes(), b.boxes(), labels, masks, new SplittableRandom(seed));
    }

    /** Image {@code i} decoded and augmented with its boxes and masks, from the seed {@code s}. */
    Sample prepare(int i, long s) {
        InstanceSet.Item item = train.items().get(i);
        RgbImage img = decode(item.path(), item.width(), item.height());
        BoxAugment.Sample a = augment.apply(img, item.boxes(), item.labels(), new SplittableRandom(s));
        // BoxAugment draws its horizontal and vertical flips first, from the same seed
        SplittableRandom r = new SplittableRandom(s);
        boolean dx = r.nextBoolean(), dy = r.nextBoolean();
        boolean fx = augment.hflip() && dx, fy = augment.vflip() && dy;
        return new Sample(a.image(), a.boxes(), a.labels(), flip(train.masks(i), item.count(), item.height(), item.width(), fx, fy));
    }

    static byte[] flip(byte[] masks, int n, int h, int w, boolean fx, boolean fy) {
        if (!fx && !fy) return masks;
        byte[] out = new byte[masks.length];
        for (int k = 0; k < n; k++) {
            int off = k * h * w;
            for (int y = 0; y < h; y++) {
                int sy = fy ? h - 1 - y : y;
                for (int x = 0; x < w; x++) out[off + y * w + x] = masks[off + sy * w + (fx ? w - 1 - x : x)];
            }
        }
        return out;
    }

    /** Masks [n, h, w] (bytes) as a float tensor [n, oh, ow], resized nearest as torch's F.interpolate: source ⌊d · in / out⌋. */
    static Tensor resizeMasks(byte[] masks, int n, int h, int w, int oh, int ow) {
        float[] out = new float[n * oh * ow];
        for (int k = 0; k < n; k++) {
            for (int y = 0; y < oh; y++) {
                int sy = Math.min(h - 1, (int) Math.floor(y * ((double) h / oh)));
                for (int x = 0; x < ow; x++) {
                    int sx = Math.min(w - 1, (int) Math.floor(x * ((double) w / ow)));
                    out[(k * oh + y) * ow + x] = masks[(k * h + sy) * w + sx];
                }
            }
        }
        return Tensor.of(out, n, oh, ow);
    }

    private RgbImage decode(Path path, int w, int h) {
        return Workers.readSized(path, w, h, maxPixels);
    }

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (val == null) return out;
        InstanceEval.Result r = InstanceEval.run(segmenter(), val, valImages, VAL_PARAMS, null, maxPixels, (file, error) -> {
            if (error != null) throw new UserError(error, 1);
        });
        double[] segm = r.segm().summarize(), bbox = r.bbox().summarize();
        out.put("val_segm_ap", round(segm[0]));
        out.put("val_segm_ap50", round(segm[1]));
        out.put("val_ap", round(bbox[0]));
        out.put("val_ap50", round(bbox[1]));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** The network being trained as a segmenter (sharing its weights). */
    public InstanceSegmenter segmenter() {
        return new InstanceSegmenter(net, spec, train.classes(), categoryIds, MODEL_DEFAULTS);
    }

    @Override
    public String scoreName() { return "val_segm_ap"; }

    @Override
    public Module network() { return net; }

    @Override
    public void saveModel(Path file, ObjectNode training) throws IOException {
        InstanceModelFile.save(file, net, InstanceModelFile.config(spec, train.classes(), categoryIds, MODEL_DEFAULTS, training), "", Map.of(), Map.of());
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException {
        InstanceModelFile.save(file, net, InstanceModelFile.config(spec, train.classes(), categoryIds, MODEL_DEFAULTS, null), "model.", extra,
                metadata);
    }

    @Override
    public void close() {
        decoders.shutdownNow();
    }
}
