package dev.cvkit.segmentation;

import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Functional;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * Runs an {@link Fcn} on images: scaled to the spec's square input, normalised, scored, the
 * scores resized bilinearly back to the image and each pixel given its best class.
 * {@link #classes()} holds the names of classes 1.., class 0 is the background.
 */
public final class SemanticSegmenter {
    private final Fcn net;
    private final FcnSpec spec;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    public SemanticSegmenter(Fcn net, FcnSpec spec, List<String> classes, List<Integer> categoryIds) {
        if (classes.size() + 1 != spec.classes()) {
            throw new IllegalArgumentException("num_classes " + spec.classes() + " does not fit " + classes.size() + " class names + background");
        }
        this.net = net;
        this.spec = spec;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
    }

    public Fcn network() { return net; }

    public FcnSpec spec() { return spec; }

    /** Class names without the background. */
    public List<String> classes() { return classes; }

    public List<Integer> categoryIds() { return categoryIds; }

    /** A label map: row-major {@code height × width} class indices (0: background). */
    public record Labels(int width, int height, byte[] map) {
        /** Pixels per class index (0..classes). */
        public long[] counts(int classes) {
            long[] n = new long[classes];
            for (byte b : map) n[b & 0xff]++;
            return n;
        }
    }

    /** The network's input for an image: [3, size, size], resized and normalised. */
    public static Tensor input(RgbImage im, FcnSpec spec) {
        int hw = im.width() * im.height();
        byte[] p = im.rgb();
        float[] x = new float[3 * hw];
        for (int q = 0; q < hw; q++) {
            for (int c = 0; c < 3; c++) x[c * hw + q] = (p[3 * q + c] & 0xff) / 255f;
        }
        Tensor t = Tensor.of(x, 1, 3, im.height(), im.width());
        if (im.width() != spec.size() || im.height() != spec.size()) {
            try (var g = Tensor.noGrad()) {
                t = Functional.upsampleBilinear(t, spec.size(), spec.size(), false);
            }
        }
        float[] d = t.data();
        int n = spec.size() * spec.size();
        for (int c = 0; c < 3; c++) {
            for (int q = 0; q < n; q++) d[c * n + q] = (d[c * n + q] - spec.mean()[c]) / spec.std()[c];
        }
        return t.reshape(3, spec.size(), spec.size());
    }

    /** Segments one image (the network in eval mode, no gradients). */
    public Labels segment(RgbImage im) {
        return labels(im, scores(im));
    }

    /** A label map and each pixel's foreground probability α = 1 − softmax(scores)[background]. */
    public record Soft(Labels labels, float[] alpha) {}

    /** As {@link #segment} with the soft foreground mask too (for --alpha and background effects). */
    public Soft segmentSoft(RgbImage im) {
        Tensor scores = scores(im);
        int c = scores.size(1), hw = im.width() * im.height();
        float[] s = scores.data();
        float[] alpha = new float[hw];
        for (int q = 0; q < hw; q++) {
            double max = s[q];
            for (int k = 1; k < c; k++) max = Math.max(max, s[k * hw + q]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(s[k * hw + q] - max);
            alpha[q] = (float) (1 - Math.exp(s[q] - max) / sum);
        }
        return new Soft(labels(im, scores), alpha);
    }

    private Tensor scores(RgbImage im) {
        net.eval();
        try (var g = Tensor.noGrad()) {
            Tensor scores = net.forwardScores(input(im, spec).reshape(1, 3, spec.size(), spec.size())).out();
            // at the network's own size the resize is the identity (every weight 0 or 1): skipped
            if (scores.size(2) == im.height() && scores.size(3) == im.width()) return scores;
            return Functional.upsampleBilinear(scores, im.height(), im.width(), false);
        }
    }

    private static Labels labels(RgbImage im, Tensor scores) {
        int c = scores.size(1), hw = im.width() * im.height();
        float[] s = scores.data();
        byte[] map = new byte[hw];
        for (int q = 0; q < hw; q++) {
            int best = 0;
            float v = s[q];
            for (int k = 1; k < c; k++) {
                if (s[k * hw + q] > v) {
                    v = s[k * hw + q];
                    best = k;
                }
            }
            map[q] = (byte) best;
        }
        return new Labels(im.width(), im.height(), map);
    }
}
