package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CenterNet end to end with its own decoding (the graph's tower_0/detections): a (cell, class)
 * is a candidate where its score is the maximum of its 3×3 neighbourhood in that class's
 * heatmap (the max-pool "NMS"); the {@link #TOP_K} best candidates become boxes
 * {@code (4x − left, 4y − top, 4x + right, 4y + bottom)} around the cell's point (4x, 4y).
 * Then, as @vladmandic/human does, boxes at or below the score threshold go and overlapping ones
 * are suppressed (per class; across classes with {@code --agnostic}, human's choice). Boxes are
 * clipped to the input, mapped back through the letterbox and clipped to the image.
 */
public final class CenterNetDetector implements Detector {
    /** Candidates kept from the heatmap peaks, as the graph's TopKV2. */
    public static final int TOP_K = 100;
    private final CenterNetNet net;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    public CenterNetDetector(CenterNetNet net, DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
        if (classes.size() != CenterNetNet.CLASSES || categoryIds.size() != CenterNetNet.CLASSES) {
            throw new IllegalArgumentException("CenterNet has " + CenterNetNet.CLASSES + " classes, metadata lists " + classes.size());
        }
        this.net = net;
        this.defaults = defaults;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
    }

    /** Network outputs [(S/4)², 84] for a prepared input [1, 3, S, S] (see {@link CenterNetNet#compute}). */
    Tensor raw(Tensor input) {
        try (var g = Tensor.noGrad()) {
            return net.forward(input);
        }
    }

    @Override
    public List<Detection> detect(RgbImage image, DetectParams p, Lap lap) {
        int size = p.imgsz() > 0 ? p.imgsz() : CenterNetNet.INPUT;
        CenterNetNet.Letterbox lb = CenterNetNet.Letterbox.of(image, size);
        float[] out;
        try (var g = Tensor.noGrad()) {
            Tensor in = CenterNetNet.preprocess(image, lb);
            lap.end(Stage.PREPROCESS);
            out = net.forward(in).data();
            lap.end(Stage.INFERENCE);
        }
        List<Detection> result = new ArrayList<>();
        for (NanoDetDetector.InputBox b : decode(out, size, p)) {
            double x0 = Math.max(0, lb.x(b.x0())), y0 = Math.max(0, lb.y(b.y0()));
            double x1 = Math.min(image.width(), lb.x(b.x1())), y1 = Math.min(image.height(), lb.y(b.y1()));
            result.add(new Detection((float) x0, (float) y0, (float) (x1 - x0), (float) (y1 - y0), b.score(), b.cls(),
                    classes.get(b.cls())));
        }
        lap.end(Stage.POSTPROCESS);
        return result;
    }

    /**
     * The heatmap peaks as the graph's decoding finds them: (cell, class) pairs scoring above
     * {@code conf} that equal their 3×3 neighbourhood's maximum, best first (ties in the graph's
     * flat order, cell·80 + class), at most {@link #TOP_K}. Each is {@code {cell, class}}.
     */
    static List<int[]> peaks(float[] out, int input, float conf) {
        int n = input / CenterNetNet.STRIDE, ch = CenterNetNet.OUTPUTS;
        List<int[]> found = new ArrayList<>();
        for (int cell = 0; cell < n * n; cell++) {
            int y = cell / n, x = cell % n;
            for (int k = 0; k < CenterNetNet.CLASSES; k++) {
                float s = out[cell * ch + k];
                if (s > conf && isPeak(out, n, x, y, k, s)) {
                    found.add(new int[] {cell, k});
                }
            }
        }
        found.sort((a, b) -> {
            int c = Float.compare(out[b[0] * ch + b[1]], out[a[0] * ch + a[1]]);
            return c != 0 ? c : Integer.compare(a[0] * CenterNetNet.CLASSES + a[1], b[0] * CenterNetNet.CLASSES + b[1]);
        });
        return found.size() > TOP_K ? new ArrayList<>(found.subList(0, TOP_K)) : found;
    }

    private static boolean isPeak(float[] out, int n, int x, int y, int k, float s) {
        for (int yy = Math.max(0, y - 1); yy <= Math.min(n - 1, y + 1); yy++) {
            for (int xx = Math.max(0, x - 1); xx <= Math.min(n - 1, x + 1); xx++) {
                if (out[(yy * n + xx) * CenterNetNet.OUTPUTS + k] > s) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A peak's box {@code [x0, y0, x1, y1]} in input pixels, unclipped (the graph's detections). */
    static float[] box(float[] out, int input, int cell, float[] dst, int at) {
        int n = input / CenterNetNet.STRIDE, base = cell * CenterNetNet.OUTPUTS + CenterNetNet.CLASSES;
        float px = (cell % n) * (float) CenterNetNet.STRIDE, py = (cell / n) * (float) CenterNetNet.STRIDE;
        dst[at] = px - out[base];
        dst[at + 1] = py - out[base + 1];
        dst[at + 2] = px + out[base + 2];
        dst[at + 3] = py + out[base + 3];
        return dst;
    }

    /** Post-processing of network outputs {@code out} at input side {@code input}: peaks, boxes, suppression. */
    static List<NanoDetDetector.InputBox> decode(float[] out, int input, DetectParams p) {
        List<int[]> peaks = peaks(out, input, p.conf());
        int m = peaks.size(), c = CenterNetNet.CLASSES;
        float[] boxes = new float[m * 4];
        float[] scores = new float[m * c];
        for (int i = 0; i < m; i++) {
            int[] pk = peaks.get(i);
            box(out, input, pk[0], boxes, 4 * i);
            for (int j = 0; j < 4; j++) {
                boxes[4 * i + j] = Math.min(Math.max(boxes[4 * i + j], 0f), input);
            }
            scores[i * c + pk[1]] = out[pk[0] * CenterNetNet.OUTPUTS + pk[1]];
        }
        List<int[]> kept = p.agnostic()
                ? Nms.agnostic(boxes, scores, c, p.conf(), p.iou(), p.maxDet())
                : Nms.perClass(boxes, scores, c, p.conf(), p.iou(), p.maxDet());
        List<NanoDetDetector.InputBox> result = new ArrayList<>();
        for (int[] k : kept) {
            float[] b = Arrays.copyOfRange(boxes, 4 * k[0], 4 * k[0] + 4);
            result.add(new NanoDetDetector.InputBox(b[0], b[1], b[2], b[3], scores[k[0] * c + k[1]], k[1]));
        }
        return result;
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
    public String architecture() { return "centernet"; }
}
