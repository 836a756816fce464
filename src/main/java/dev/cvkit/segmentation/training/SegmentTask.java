package dev.cvkit.segmentation.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.data.Seeds;
import dev.cvkit.data.segment.SemanticData;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Module;
import dev.cvkit.segmentation.Fcn;
import dev.cvkit.segmentation.FcnSpec;
import dev.cvkit.segmentation.SemanticEval;
import dev.cvkit.segmentation.SemanticMetrics;
import dev.cvkit.segmentation.SemanticModelFile;
import dev.cvkit.segmentation.SemanticSegmenter;
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
 * FCN training as a {@link TrainTask}: a step decodes its images in parallel, scales image and
 * label map to the spec's square input (bilinear and nearest), flips both horizontally at
 * random, and returns the per-pixel cross-entropy with 255 ignored ({@link Fcn#loss}).
 * Validation segments each validation image at its own size and sums a confusion matrix:
 * {@code val_miou} (the score) and {@code val_pixel_acc}.
 */
public final class SegmentTask implements TrainTask, AutoCloseable {
    private final SemanticData train, val;
    private final FcnSpec spec;
    private final Fcn net;
    private final boolean hflip;
    private final long maxPixels;
    private final ExecutorService decoders;
    private final List<Integer> categoryIds = new ArrayList<>();

    public SegmentTask(SemanticData train, SemanticData val, FcnSpec spec, Fcn net, boolean hflip, int threads, long maxPixels) {
        this.train = train;
        this.val = val;
        this.spec = spec;
        this.net = net;
        this.hflip = hflip;
        this.maxPixels = maxPixels;
        this.decoders = Workers.decoders(threads);
        for (long id : train.categoryIds()) categoryIds.add((int) id);
    }

    @Override
    public int trainSize() { return train.size(); }

    @Override
    public int valSize() { return val == null ? 0 : val.size(); }

    private record Sample(Tensor image, float[] target) {}

    @Override
    public Map<String, Tensor> losses(int[] samples, long seed) {
        int s = spec.size(), n = samples.length;
        List<Future<Sample>> jobs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = samples[k];
            boolean flip = hflip && new SplittableRandom(Seeds.mix(seed, Seeds.AUGMENT, 0, k)).nextBoolean();
            jobs.add(decoders.submit(() -> prepare(i, flip)));
        }
        float[] x = new float[n * 3 * s * s], t = new float[n * s * s];
        for (int k = 0; k < n; k++) {
            Sample p = Workers.get(jobs.get(k));
            System.arraycopy(p.image().data(), 0, x, k * 3 * s * s, 3 * s * s);
            System.arraycopy(p.target(), 0, t, k * s * s, s * s);
        }
        // the head's dropout masks come from the step's seed, so a resumed run draws the same ones
        dev.cvkit.nn.Dropout.reseedAll(net, Seeds.mix(seed, Seeds.DROPOUT, 0, 0));
        Fcn.Output o = net.forwardScores(Tensor.of(x, n, 3, s, s));
        Map<String, Tensor> losses = new LinkedHashMap<>();
        losses.put("ce", Fcn.pixelCrossEntropy(o.out(), Tensor.of(t, n, s, s)));
        if (o.aux() != null) losses.put("aux_ce", Fcn.pixelCrossEntropy(o.aux(), Tensor.of(t, n, s, s)).mul(0.5f));
        return losses;
    }

    /** Image {@code i} as the network's input and its label map at the same size (nearest), flipped if asked. */
    private Sample prepare(int i, boolean flip) {
        SemanticData.Item it = train.items().get(i);
        RgbImage img = decode(it);
        byte[] labels = train.labels(i);
        int s = spec.size(), w = it.width(), h = it.height();
        Tensor x = SemanticSegmenter.input(img, spec);
        float[] t = new float[s * s];
        for (int y = 0; y < s; y++) {
            int sy = Math.min(h - 1, (int) ((y + 0.5) * h / s));
            for (int xx = 0; xx < s; xx++) {
                int sx = Math.min(w - 1, (int) ((xx + 0.5) * w / s));
                t[y * s + xx] = labels[sy * w + sx] & 0xff;
            }
        }
        if (flip) {
            float[] d = x.data();
            for (int c = 0; c < 3; c++) flipRows(d, c * s * s, s);
            flipRows(t, 0, s);
        }
        return new Sample(x, t);
    }

    private static void flipRows(float[] a, int off, int s) {
        for (int y = 0; y < s; y++) {
            for (int l = off + y * s, r = l + s - 1; l < r; l++, r--) {
                float v = a[l];
                a[l] = a[r];
                a[r] = v;
            }
        }
    }

    private RgbImage decode(SemanticData.Item it) {
        return Workers.readSized(it.path(), it.width(), it.height(), maxPixels);
    }

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (val == null) return out;
        SemanticMetrics m = SemanticEval.model(segmenter(), val, maxPixels, (file, error) -> {
            if (error != null) throw new UserError(error, 1);
        }).metrics();
        out.put("val_miou", round(m.meanIou()));
        out.put("val_pixel_acc", round(m.pixelAccuracy()));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** The network being trained as a segmenter (sharing its weights). */
    public SemanticSegmenter segmenter() {
        return new SemanticSegmenter(net, spec, train.classes(), categoryIds);
    }

    @Override
    public String scoreName() { return "val_miou"; }

    @Override
    public Module network() { return net; }

    @Override
    public void saveModel(Path file, ObjectNode training) throws IOException {
        SemanticModelFile.save(file, net, SemanticModelFile.config(spec, train.classes(), categoryIds, training), "", Map.of(), Map.of());
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException {
        SemanticModelFile.save(file, net, SemanticModelFile.config(spec, train.classes(), categoryIds, null), "model.", extra, metadata);
    }

    @Override
    public void close() {
        decoders.shutdownNow();
    }
}
