package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.graph.NhwcOps;
import dev.cvkit.graph.TfGraph;
import dev.cvkit.graph.Value;
import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A pretrained person segmenter imported from TF.js (see {@link PersonModel}): the image
 * stretched to the network's input by tf.js's bilinear resize (no half-pixel centres) and scaled
 * to [0, 1] as @vladmandic/human feeds it, the graph run, its output turned into a person
 * probability per network pixel (selfie: the sigmoid output; meet: softmax over background and
 * person), then resized bilinearly (half-pixel centres) to the image: a soft mask, the alpha.
 */
public final class PersonSegmenter {
    /** The largest network input side a model file may declare (the bundled ones: 256). */
    static final int MAX_INPUT = 1024;
    private final TfGraph graph;
    private final String name;
    private final int inH, inW;
    private final boolean softmax;
    private final float threshold;

    private PersonSegmenter(TfGraph graph, String name, int inH, int inW, boolean softmax, float threshold) {
        this.graph = graph;
        this.name = name;
        this.inH = inH;
        this.inW = inW;
        this.softmax = softmax;
        this.threshold = threshold;
    }

    /** Whether a config describes a person segmenter. */
    public static boolean isPerson(JsonNode cfg) {
        return cfg != null && "segment".equals(cfg.path("task").asText()) && PersonModel.ARCHITECTURE.equals(cfg.path("architecture").asText());
    }

    /**
     * Builds the segmenter a model file's config and tensors describe.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PersonSegmenter load(JsonNode cfg, Map<String, Tensor> tensors) {
        if (!isPerson(cfg)) {
            throw new IllegalArgumentException("not a person segmenter (task segment, architecture " + PersonModel.ARCHITECTURE + ")");
        }
        JsonNode size = cfg.path("input_size");
        int h = size.path(0).asInt(0), w = size.path(1).asInt(0);
        if (h <= 0 || w <= 0 || h > MAX_INPUT || w > MAX_INPUT) {
            throw new IllegalArgumentException("input_size " + size + " is not [height, width] of at most " + MAX_INPUT);
        }
        String kind = cfg.path("output_kind").asText("");
        if (!kind.equals("sigmoid") && !kind.equals("softmax")) {
            throw new IllegalArgumentException("output_kind '" + kind + "' (sigmoid or softmax)");
        }
        double t = cfg.path("threshold").asDouble(0.5);
        if (!(t > 0 && t < 1)) {
            throw new IllegalArgumentException("threshold " + t + " is not in (0, 1)");
        }
        TfGraph g = new TfGraph(cfg.get("graph"), tensors, cfg.path("input").asText(), cfg.path("output").asText());
        int channels = kind.equals("softmax") ? 2 : 1;
        Value y;
        try { // a dry run: a graph that loads but cannot run on its declared input is a bad file, found now
            y = g.run(new Value(new float[h * w * 3], new int[] {1, h, w, 3}));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the graph does not run on a " + h + "×" + w + " input: " + e.getMessage());
        }
        if (y.rank() != 4 || y.dim(0) != 1 || y.dim(1) != h || y.dim(2) != w || y.dim(3) != channels) {
            throw new IllegalArgumentException("the graph's output " + y + " is not [1, " + h + ", " + w + ", " + channels + "] (" + kind + ")");
        }
        return new PersonSegmenter(g, cfg.path("model").asText("person"), h, w, kind.equals("softmax"), (float) t);
    }

    /**
     * Reads a person segmenter model file: a damaged file or config is a bad data file (exit 1),
     * a sound model of another kind the wrong {@code --model} (exit 2).
     */
    public static PersonSegmenter read(java.nio.file.Path file) {
        dev.cvkit.io.SafeTensors.Contents c = dev.cvkit.io.SafeTensors.read(file);
        JsonNode cfg;
        try {
            cfg = c.config() == null ? null : new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.config());
        } catch (java.io.IOException e) {
            cfg = null;
        }
        if (cfg == null || !cfg.isObject()) {
            throw new dev.cvkit.UserError(file + ": bad model file: no valid cvkit config metadata", dev.cvkit.ExitCodes.INPUT_FAILED);
        }
        if (!isPerson(cfg)) {
            throw new dev.cvkit.UserError(file + ": is a '" + cfg.path("task").asText("?") + "' " + cfg.path("architecture").asText("")
                    + " model, not a person segmenter", dev.cvkit.ExitCodes.USAGE);
        }
        String nonFinite = dev.cvkit.io.SafeTensors.firstNonFinite(c.tensors());
        if (nonFinite != null) {
            throw new dev.cvkit.UserError(file + ": bad model file: tensor " + nonFinite + " holds NaN or infinite values", dev.cvkit.ExitCodes.INPUT_FAILED);
        }
        try {
            return load(cfg, c.tensors());
        } catch (IllegalArgumentException e) {
            throw new dev.cvkit.UserError(file + ": bad model file: " + e.getMessage(), dev.cvkit.ExitCodes.INPUT_FAILED);
        }
    }

    /** The model's short name (selfie, meet). */
    public String name() { return name; }

    /** Class names without the background: just "person". */
    public List<String> classes() { return List.of("person"); }

    /** Network input height and width. */
    public int inputHeight() { return inH; }

    public int inputWidth() { return inW; }

    /** The network's input for an image: [1, H, W, 3], resized as tf.js resizes, divided by 255. */
    public Value input(RgbImage im) {
        byte[] p = im.rgb();
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            x[i] = p[i] & 0xff;
        }
        Value v = new Value(x, new int[] {1, im.height(), im.width(), 3});
        if (im.height() != inH || im.width() != inW) {
            v = NhwcOps.resizeBilinear(v, inH, inW, false, false);
        }
        float[] d = v.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (d[i] / 255.0);
        }
        return v;
    }

    /** The graph's raw output for an image ([1, H, W, 1] sigmoid or [1, H, W, 2] logits). */
    public Value output(RgbImage im) {
        return graph.run(input(im));
    }

    /** The person probability per network pixel, row-major inputHeight × inputWidth. */
    public float[] probability(RgbImage im) {
        Value y = output(im);
        int n = inH * inW;
        float[] d = y.data();
        int channels = softmax ? 2 : 1;
        if (d.length != n * channels) {
            throw new IllegalStateException("the graph's output " + y + " is not " + inH + "×" + inW + "×" + channels);
        }
        if (!softmax) {
            return d;
        }
        float[] p = new float[n];
        for (int q = 0; q < n; q++) {
            p[q] = (float) (1 / (1 + Math.exp((double) d[2 * q] - d[2 * q + 1])));
        }
        return p;
    }

    /** A soft mask at image size: the person probability of each pixel, row-major. */
    public record Mask(int width, int height, float[] alpha, float threshold) {
        /** Person (1) where alpha ≥ the threshold, else background (0). */
        public SemanticSegmenter.Labels labels() {
            byte[] map = new byte[alpha.length];
            for (int i = 0; i < map.length; i++) {
                map[i] = (byte) (alpha[i] >= threshold ? 1 : 0);
            }
            return new SemanticSegmenter.Labels(width, height, map);
        }
    }

    /** Segments one image: the probability map resized to the image. */
    public Mask segment(RgbImage im) {
        Value p = new Value(probability(im), new int[] {inH, inW, 1});
        if (im.height() != inH || im.width() != inW) {
            p = NhwcOps.resizeBilinear(p, im.height(), im.width(), false, true);
        }
        return new Mask(im.width(), im.height(), p.data(), threshold);
    }
}
