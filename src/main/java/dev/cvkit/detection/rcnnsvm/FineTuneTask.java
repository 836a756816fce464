package dev.cvkit.detection.rcnnsvm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.data.Seeds;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Losses;
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
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * R-CNN's first stage as a {@link TrainTask}: fine-tuning the CNN as an (N+1)-way classifier of
 * warped regions ({@link RegionSampler}) of each image of a batch, on its selective-search
 * proposals (computed once and cached). Validation classifies a fixed sample of regions of the first validation images
 * ({@code val_region_acc}: the mean of the per-class recalls, background included, so that
 * calling everything background does not score 0.75).
 */
public final class FineTuneTask implements TrainTask, AutoCloseable {
    /** Validation images whose regions are classified at every validation. */
    static final int VAL_IMAGES = 32;

    private final DetectionSet train, val;
    private final RcnnModel model;
    private final long maxPixels;
    private final ExecutorService workers;
    private final ConcurrentHashMap<Integer, float[]> proposals = new ConcurrentHashMap<>();
    private final DetectParams defaults;
    private List<RegionSampler.Regions> valRegions;

    /**
     * @param val null, or the validation set with labels in the training set's class indexing
     */
    public FineTuneTask(DetectionSet train, DetectionSet val, RcnnModel model, DetectParams defaults, int threads, long maxPixels) {
        this.train = train;
        this.val = val;
        this.model = model;
        this.defaults = defaults;
        this.maxPixels = maxPixels;
        this.workers = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "cvkit-rcnn");
            t.setDaemon(true);
            return t;
        });
    }

    public RcnnModel model() { return model; }

    /** The training images' proposals computed so far, by index (the SVM stage reuses them). */
    public Map<Integer, float[]> proposalCache() { return proposals; }

    @Override
    public int trainSize() { return train.size(); }

    @Override
    public int valSize() { return val == null ? 0 : Math.min(VAL_IMAGES, val.size()); }

    @Override
    public Map<String, Tensor> losses(int[] samples, long seed) {
        List<Future<RegionSampler.Regions>> jobs = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            int index = samples[k];
            long s = Seeds.mix(seed, Seeds.AUGMENT, 0, k);
            jobs.add(workers.submit(() -> {
                DetectionSet.Item item = train.items().get(index);
                RgbImage img = decode(item, maxPixels);
                float[] props = proposals.computeIfAbsent(index, i -> model.proposals().propose(img));
                return RegionSampler.sample(model.spec().warp(), img, props, item.boxes(), item.labels(), new SplittableRandom(s), true);
            }));
        }
        List<RegionSampler.Regions> parts = new ArrayList<>();
        for (Future<RegionSampler.Regions> f : jobs) parts.add(Workers.get(f));
        RegionSampler.Regions all = RegionSampler.concat(parts, model.spec().warp().floats());
        int side = model.spec().warp().size(), n = all.labels().length;
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = all.labels()[i];
        Tensor logits = model.net().forward(Tensor.of(all.crops(), n, 3, side, side));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss_classifier", Losses.crossEntropy(logits, Tensor.of(t, n)));
        return out;
    }

    static RgbImage decode(DetectionSet.Item item, long maxPixels) {
        return Workers.readSized(item.path(), item.width(), item.height(), maxPixels);
    }

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (val == null || val.size() == 0) return out;
        if (valRegions == null) {
            List<Future<RegionSampler.Regions>> jobs = new ArrayList<>();
            for (int k = 0; k < valSize(); k++) {
                DetectionSet.Item item = val.items().get(k);
                long s = Seeds.mix(0, Seeds.AUGMENT, 0, k);
                jobs.add(workers.submit(() -> {
                    RgbImage img = decode(item, maxPixels);
                    return RegionSampler.sample(model.spec().warp(), img, model.proposals().propose(img), item.boxes(), item.labels(), new SplittableRandom(s), false);
                }));
            }
            valRegions = new ArrayList<>();
            for (Future<RegionSampler.Regions> f : jobs) valRegions.add(Workers.get(f));
        }
        int c = model.classes().size() + 1, side = model.spec().warp().size();
        long[] seen = new long[c], right = new long[c];
        double loss = 0;
        int total = 0;
        try (Tensor.NoGrad ng = Tensor.noGrad()) {
            for (RegionSampler.Regions r : valRegions) {
                int n = r.labels().length;
                if (n == 0) continue;
                float[] t = new float[n];
                for (int i = 0; i < n; i++) t[i] = r.labels()[i];
                Tensor logits = model.net().forward(Tensor.of(r.crops(), n, 3, side, side));
                loss += Losses.crossEntropy(logits, Tensor.of(t, n)).item() * n;
                total += n;
                float[] p = Functional.softmax(logits, 1).data();
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int j = 1; j < c; j++) if (p[i * c + j] > p[i * c + best]) best = j;
                    seen[r.labels()[i]]++;
                    if (best == r.labels()[i]) right[r.labels()[i]]++;
                }
            }
        }
        double recall = 0;
        int classes = 0;
        for (int j = 0; j < c; j++) {
            if (seen[j] == 0) continue;
            recall += (double) right[j] / seen[j];
            classes++;
        }
        out.put("val_region_acc", round(classes == 0 ? 0 : recall / classes));
        out.put("val_region_loss", round(total == 0 ? 0 : loss / total));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    @Override
    public String scoreName() { return "val_region_acc"; }

    @Override
    public Module network() { return model.net(); }

    @Override
    public void saveModel(Path file, ObjectNode training) throws IOException {
        RcnnSvmModelFile.save(file, model, RcnnSvmModelFile.config(model, defaults, training), "", Map.of(), Map.of());
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException {
        RcnnSvmModelFile.save(file, model, RcnnSvmModelFile.config(model, defaults, null), "model.", extra, metadata);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
