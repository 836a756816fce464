package dev.cvkit.classify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates classification results and reports what scikit-learn's {@code accuracy_score},
 * {@code top_k_accuracy_score}, {@code precision_recall_fscore_support(zero_division=0)} and
 * {@code confusion_matrix} report for the same predictions.
 *
 * <p>The prediction is the first class with the highest score (numpy's argmax); a sample counts
 * for top-k when fewer than k classes score strictly higher than its true class.
 */
public final class ClassificationMetrics {
    private final List<String> classes;
    private final int k;
    /** confusion[true][predicted]. */
    private final long[][] confusion;
    private long top1;
    private long top5;
    private long total;

    public ClassificationMetrics(List<String> classes) {
        this.classes = List.copyOf(classes);
        this.k = classes.size();
        this.confusion = new long[k][k];
    }

    /**
     * @param scores float[n × classes], row-major: logits or probabilities (only their order matters)
     * @param labels int[n], true classes
     */
    public synchronized void add(float[] scores, int[] labels, int n) {
        for (int i = 0; i < n; i++) {
            int off = i * k;
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (scores[off + c] > scores[off + best]) {
                    best = c;
                }
            }
            int y = labels[i];
            float ty = scores[off + y];
            int higher = 0;
            for (int c = 0; c < k; c++) {
                if (scores[off + c] > ty) {
                    higher++;
                }
            }
            confusion[y][best]++;
            if (best == y) {
                top1++;
            }
            if (higher < Math.min(5, k)) {
                top5++;
            }
            total++;
        }
    }

    public long count() { return total; }

    public double top1() { return total == 0 ? 0 : (double) top1 / total; }

    /** Top-5 accuracy (top-k with k = classes when there are fewer than five). */
    public double top5() { return total == 0 ? 0 : (double) top5 / total; }

    public long[][] confusion() {
        long[][] c = new long[k][];
        for (int i = 0; i < k; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    public List<String> classes() { return classes; }

    /** Per-class scores; a 0/0 ratio is 0, as with zero_division=0. */
    public record ClassScore(String name, double precision, double recall, double f1, long support) {}

    public List<ClassScore> perClass() {
        List<ClassScore> out = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += confusion[j][c];
                actual += confusion[c][j];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = actual == 0 ? 0 : (double) tp / actual;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            out.add(new ClassScore(classes.get(c), p, r, f, actual));
        }
        return out;
    }

    /** Unweighted mean over classes, as sklearn's average='macro'. */
    public double macro(java.util.function.ToDoubleFunction<ClassScore> f) {
        return perClass().stream().mapToDouble(f).average().orElse(0);
    }

    /**
     * All metrics by name, for {@code --format json} and {@code --min NAME=VALUE}: top1, top5,
     * precision, recall, f1 (macro), count, per_class, confusion.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("top1", top1());
        m.put("top5", top5());
        m.put("precision", macro(ClassScore::precision));
        m.put("recall", macro(ClassScore::recall));
        m.put("f1", macro(ClassScore::f1));
        m.put("count", total);
        List<Map<String, Object>> pc = new ArrayList<>();
        for (ClassScore s : perClass()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("class", s.name());
            e.put("precision", s.precision());
            e.put("recall", s.recall());
            e.put("f1", s.f1());
            e.put("support", s.support());
            pc.add(e);
        }
        m.put("per_class", pc);
        m.put("classes", classes);
        m.put("confusion", confusion());
        return m;
    }

    /** The scalar metrics a quality gate can name. */
    public Map<String, Double> scalars() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("top1", top1());
        m.put("top5", top5());
        m.put("precision", macro(ClassScore::precision));
        m.put("recall", macro(ClassScore::recall));
        m.put("f1", macro(ClassScore::f1));
        return m;
    }
}
