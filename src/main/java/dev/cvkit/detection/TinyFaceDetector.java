package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;

import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's Tiny face detector end to end. Decoding per cell (row, col) and anchor a of the
 * n×n grid: x = (col + σ(t0))/n, y = (row + σ(t1))/n, w = e^t2·aw/n, h = e^t3·ah/n (centre form,
 * then corrected for the bottom/right padding), score σ(t4); face-api's greedy NMS; then scaled
 * to image pixels. Arithmetic in double as face-api does on the downloaded arrays.
 */
public final class TinyFaceDetector implements Detector {
    private final TinyFaceNet net;
    private final int inputSize;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    public TinyFaceDetector(TinyFaceNet net, int inputSize, DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
        if (inputSize % 32 != 0 || inputSize < 64) {
            throw new IllegalArgumentException("Tiny face detector input size must be a multiple of 32, got " + inputSize);
        }
        this.net = net;
        this.inputSize = inputSize;
        this.defaults = defaults;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
    }

    /** The raw grid [1, 25, n, n] (channel = anchor·5 + value). */
    Tensor raw(RgbImage image) {
        try (var g = Tensor.noGrad()) {
            return net.forward(TinyFaceNet.preprocess(image, inputSize));
        }
    }

    @Override
    public List<Detection> detect(RgbImage image, DetectParams p, Lap lap) {
        int input = p.imgsz() > 0 ? p.imgsz() : inputSize;
        Tensor out;
        try (var g = Tensor.noGrad()) {
            Tensor in = TinyFaceNet.preprocess(image, input);
            lap.end(Stage.PREPROCESS);
            out = net.forward(in);
            lap.end(Stage.INFERENCE);
        }
        int n = out.size(2), cells = n * n;
        float[] d = out.data();
        int w = image.width(), h = image.height();
        double scale = (double) input / Math.max(w, h);
        long rw = TfOps.jsRound(w * scale), rh = TfOps.jsRound(h * scale);
        double size = Math.max(rw, rh), corrX = size / rw, corrY = size / rh;
        List<double[]> boxes = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                for (int a = 0; a < TinyFaceNet.ANCHORS.length; a++) {
                    int base = a * 5 * cells + row * n + col;
                    double score = TfOps.sigmoid(d[base + 4 * cells]);
                    if (p.conf() > 0 && !(score > p.conf())) {
                        continue;
                    }
                    double ctX = ((col + TfOps.sigmoid(d[base])) / n) * corrX;
                    double ctY = ((row + TfOps.sigmoid(d[base + cells])) / n) * corrY;
                    double bw = ((Math.exp(d[base + 2 * cells]) * TinyFaceNet.ANCHORS[a][0]) / n) * corrX;
                    double bh = ((Math.exp(d[base + 3 * cells]) * TinyFaceNet.ANCHORS[a][1]) / n) * corrY;
                    double x = ctX - bw / 2, y = ctY - bh / 2;
                    boxes.add(new double[] {x, y, x + bw, y + bh});
                    scores.add(score);
                }
            }
        }
        double[] flat = new double[boxes.size() * 4];
        double[] sc = new double[scores.size()];
        for (int i = 0; i < sc.length; i++) {
            for (int k = 0; k < 4; k++) {
                flat[i * 4 + k] = boxes.get(i)[k] * input; // face-api compares boxes rescaled to the input size
            }
            sc[i] = scores.get(i);
        }
        List<Detection> outList = new ArrayList<>();
        for (int i : Nms.greedyXyxy(flat, sc, p.iou())) {
            if (outList.size() >= p.maxDet()) {
                break;
            }
            double[] b = boxes.get(i);
            outList.add(new Detection((float) (b[0] * w), (float) (b[1] * h), (float) ((b[2] - b[0]) * w),
                    (float) ((b[3] - b[1]) * h), (float) sc[i], 0, classes.get(0)));
        }
        lap.end(Stage.POSTPROCESS);
        return outList;
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
    public String architecture() { return "tiny-face"; }
}
