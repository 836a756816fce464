package dev.cvkit.classify;

import dev.cvkit.data.Batch;
import dev.cvkit.data.DataLoader;
import dev.cvkit.data.Dataset;
import java.util.Iterator;
import java.util.List;

/**
 * Runs a classifier over a labelled dataset and accumulates {@link ClassificationMetrics} and the
 * mean cross-entropy loss. The dataset's classes must be the model's (same names, same order).
 */
public final class ClassifierEval {
    /** Metrics plus mean loss (natural log) over all samples. */
    public record Result(ClassificationMetrics metrics, double loss) {}

    /** Called after each batch with the number of samples done (progress display). */
    @FunctionalInterface
    public interface Listener {
        void done(int samples, int total);
    }

    private ClassifierEval() {}

    public static Result run(ClassifierModel model, Dataset data, int batchSize, int threads, Listener listener) {
        List<String> classes = model.classes();
        ClassificationMetrics m = new ClassificationMetrics(classes);
        double lossSum = 0;
        int done = 0;
        int k = classes.size();
        try (DataLoader loader = new DataLoader(data, model.preprocessing(), DataLoader.Config.ordered(batchSize, threads))) {
            Iterator<Batch> it = loader.epoch(0);
            while (it.hasNext()) {
                Batch b = it.next();
                float[] logits = model.logits(b.images(), b.size());
                m.add(logits, b.labels(), b.size());
                lossSum += crossEntropySum(logits, b.labels(), b.size(), k);
                done += b.size();
                if (listener != null) {
                    listener.done(done, data.size());
                }
            }
        }
        return new Result(m, done == 0 ? Double.NaN : lossSum / done);
    }

    /** Σ −log softmax(logits)[label] over the rows, in double precision. */
    static double crossEntropySum(float[] logits, int[] labels, int n, int k) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int off = i * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, logits[off + c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += Math.exp(logits[off + c] - max);
            }
            sum += max + Math.log(s) - logits[off + labels[i]];
        }
        return sum;
    }
}
