package dev.cvkit.classify;

import java.util.ArrayList;
import java.util.List;

/**
 * The top classes for one image, best first.
 *
 * @param scores softmax probabilities
 */
public record Prediction(int[] indices, String[] names, float[] scores) {
    /** The k most probable classes of one row of logits (ties: lower index first). */
    public static Prediction topK(float[] logits, int offset, int numClasses, List<String> classes, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < numClasses; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double[] p = new double[numClasses];
        double sum = 0;
        for (int c = 0; c < numClasses; c++) {
            p[c] = Math.exp(logits[offset + c] - max);
            sum += p[c];
        }
        int kk = Math.min(k, numClasses);
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            order.add(c);
        }
        order.sort((a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int[] idx = new int[kk];
        String[] names = new String[kk];
        float[] scores = new float[kk];
        for (int i = 0; i < kk; i++) {
            idx[i] = order.get(i);
            names[i] = classes.get(idx[i]);
            scores[i] = (float) (p[idx[i]] / sum);
        }
        return new Prediction(idx, names, scores);
    }
}
