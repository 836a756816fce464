package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;

import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NanoDet end to end with NanoDet's own (GFL) decoding: per level (stride s) and cell (x, y),
 * centre ((x + 0.5)s, (y + 0.5)s); each box side's distance is the integral over its 11-bin
 * distribution (softmax, then Σ i·p_i) times s; boxes clipped to the 416² input; at most 1000
 * cells per level (by best class score) go on; per-class NMS; boxes scaled back to the image
 * (the input was the whole image stretched to 416²).
 */
public final class NanoDetDetector implements Detector {
    static final int PRE_NMS_PER_LEVEL = 1000;
    private final NanoDetNet net;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    public NanoDetDetector(NanoDetNet net, DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
        if (classes.size() != NanoDetNet.CLASSES || categoryIds.size() != NanoDetNet.CLASSES) {
            throw new IllegalArgumentException("NanoDet has " + NanoDetNet.CLASSES + " classes, metadata lists " + classes.size());
        }
        this.net = net;
        this.defaults = defaults;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
    }

    /** Head outputs [3549, 124] (see {@link NanoDetNet#compute}). */
    Tensor raw(RgbImage image) {
        try (var g = Tensor.noGrad()) {
            return net.forward(NanoDetNet.preprocess(image));
        }
    }

    /** One decoded box in network-input pixels, corners {@code [x0, y0, x1, y1]}. */
    record InputBox(float x0, float y0, float x1, float y1, float score, int cls) {}

    @Override
    public List<Detection> detect(RgbImage image, DetectParams p, Lap lap) {
        int size = p.imgsz() > 0 ? p.imgsz() : NanoDetNet.INPUT;
        double sx = (double) image.width() / size, sy = (double) image.height() / size;
        float[] out;
        try (var g = Tensor.noGrad()) {
            Tensor in = NanoDetNet.preprocess(image, size);
            lap.end(Stage.PREPROCESS);
            out = net.forward(in).data();
            lap.end(Stage.INFERENCE);
        }
        List<Detection> result = new ArrayList<>();
        for (InputBox b : decode(out, size, p)) {
            result.add(new Detection((float) (b.x0() * sx), (float) (b.y0() * sy), (float) ((b.x1() - b.x0()) * sx),
                    (float) ((b.y1() - b.y0()) * sy), b.score(), b.cls(), classes.get(b.cls())));
        }
        lap.end(Stage.POSTPROCESS);
        return result;
    }

    /**
     * NanoDet's post-processing of head outputs {@code out} [cells, 124] (levels of strides 8, 16,
     * 32 over an input of {@code input}² pixels, cells row-major per level).
     */
    static List<InputBox> decode(float[] out, int input, DetectParams p) {
        int ch = NanoDetNet.CLASSES + 4 * NanoDetNet.BINS;
        List<float[]> boxes = new ArrayList<>();
        List<float[]> scores = new ArrayList<>();
        int cell0 = 0;
        for (int stride : NanoDetNet.STRIDES) {
            int n = input / stride, cells = n * n;
            Integer[] order = new Integer[cells];
            float[] best = new float[cells];
            for (int i = 0; i < cells; i++) {
                order[i] = i;
                float m = 0;
                for (int k = 0; k < NanoDetNet.CLASSES; k++) {
                    m = Math.max(m, out[(cell0 + i) * ch + k]);
                }
                best[i] = m;
            }
            if (cells > PRE_NMS_PER_LEVEL) {
                Arrays.sort(order, (a, b) -> Float.compare(best[b], best[a]));
            }
            for (int j = 0; j < Math.min(cells, PRE_NMS_PER_LEVEL); j++) {
                int i = order[j];
                if (best[i] <= p.conf()) {
                    continue; // no class can pass the threshold: skip the decoding work
                }
                int base = (cell0 + i) * ch;
                float cx = (i % n + 0.5f) * stride, cy = (i / n + 0.5f) * stride;
                float[] dist = new float[4];
                for (int side = 0; side < 4; side++) {
                    dist[side] = integral(out, base + NanoDetNet.CLASSES + side * NanoDetNet.BINS) * stride;
                }
                float max = input;
                boxes.add(new float[] {clip(cx - dist[0], max), clip(cy - dist[1], max), clip(cx + dist[2], max), clip(cy + dist[3], max)});
                scores.add(Arrays.copyOfRange(out, base, base + NanoDetNet.CLASSES));
            }
            cell0 += cells;
        }
        float[] flatBoxes = new float[boxes.size() * 4];
        float[] flatScores = new float[scores.size() * NanoDetNet.CLASSES];
        for (int i = 0; i < boxes.size(); i++) {
            System.arraycopy(boxes.get(i), 0, flatBoxes, i * 4, 4);
            System.arraycopy(scores.get(i), 0, flatScores, i * NanoDetNet.CLASSES, NanoDetNet.CLASSES);
        }
        List<InputBox> result = new ArrayList<>();
        List<int[]> kept = p.agnostic()
                ? Nms.agnostic(flatBoxes, flatScores, NanoDetNet.CLASSES, p.conf(), p.iou(), p.maxDet())
                : Nms.perClass(flatBoxes, flatScores, NanoDetNet.CLASSES, p.conf(), p.iou(), p.maxDet());
        for (int[] k : kept) {
            float[] b = boxes.get(k[0]);
            result.add(new InputBox(b[0], b[1], b[2], b[3], scores.get(k[0])[k[1]], k[1]));
        }
        return result;
    }

    /** Σ i·softmax(logits)_i over the 11 bins starting at {@code off}. */
    static float integral(float[] v, int off) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < NanoDetNet.BINS; i++) {
            max = Math.max(max, v[off + i]);
        }
        double sum = 0, weighted = 0;
        for (int i = 0; i < NanoDetNet.BINS; i++) {
            double e = Math.exp(v[off + i] - max);
            sum += e;
            weighted += i * e;
        }
        return (float) (weighted / sum);
    }

    private static float clip(float v, float max) {
        return Math.min(Math.max(v, 0f), max);
    }

    @Override
    public boolean resizable() { return true; }

    @Override
    public DetectParams defaults() { return defaults; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public List<Integer> categoryIds() { return categoryIds; }

    @Override
    public String architecture() { return "nanodet"; }
}
