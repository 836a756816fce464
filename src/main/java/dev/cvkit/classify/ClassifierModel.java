package dev.cvkit.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.image.Preprocessing;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classification network with what it needs to be used on new images: its class names and its
 * {@link Preprocessing}. Stored as one safetensors file whose {@code config} metadata is
 * <pre>{"task": "classify", "arch": "lenet5", "num_classes": 10, "classes": [...],
 *  "input": [C, H, W], "preprocessing": {"channels", "resize", "height", "width", "mean", "std"},
 *  "training": {"command": "cvkit train ...", "epoch": 12, ...}}</pre>
 */
public final class ClassifierModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String arch;
    private final List<String> classes;
    private final Preprocessing prep;
    private final Module net;
    private final ObjectNode training;

    public ClassifierModel(String arch, List<String> classes, Preprocessing prep, Module net, ObjectNode training) {
        this.arch = arch;
        this.classes = List.copyOf(classes);
        this.prep = prep;
        this.net = net;
        this.training = training == null ? JSON.createObjectNode() : training;
    }

    public String arch() { return arch; }

    public List<String> classes() { return classes; }

    public Preprocessing preprocessing() { return prep; }

    public Module net() { return net; }

    /** Provenance: the training command, epoch, data, scores (as stored in the file). */
    public ObjectNode training() { return training; }

    /**
     * Logits of a batch in eval mode without recording gradients.
     *
     * @param x float[n × C × H × W] as the preprocessing makes it
     * @return float[n × classes]
     */
    public float[] logits(float[] x, int n) {
        synchronized (net) { // layers keep per-call state (e.g. pooling indices): one forward at a time
            boolean wasTraining = net.isTraining();
            net.eval();
            try (var g = Tensor.noGrad()) {
                Tensor out = net.forward(Tensor.of(x, n, prep.channels(), prep.height(), prep.width()));
                return out.data().clone();
            } finally {
                net.train(wasTraining);
            }
        }
    }

    /** The config JSON stored under the file's {@code config} metadata key. */
    public ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.put("task", "classify");
        c.put("arch", arch);
        c.put("num_classes", classes.size());
        ArrayNode cl = c.putArray("classes");
        classes.forEach(cl::add);
        ArrayNode in = c.putArray("input");
        in.add(prep.channels()).add(prep.height()).add(prep.width());
        ObjectNode p = c.putObject("preprocessing");
        p.put("channels", prep.channels());
        p.put("resize", prep.resize());
        p.put("height", prep.height());
        p.put("width", prep.width());
        ArrayNode mean = p.putArray("mean");
        for (float v : prep.mean()) {
            mean.add(v);
        }
        ArrayNode std = p.putArray("std");
        for (float v : prep.std()) {
            std.add(v);
        }
        c.set("training", training);
        return c;
    }

    /** Writes the model file atomically. */
    public void save(Path file) throws IOException {
        save(file, net.stateDict(), Map.of());
    }

    /** Writes tensors and metadata (config plus {@code extra}) atomically: also used for checkpoints. */
    void save(Path file, Map<String, Tensor> tensors, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(config()));
        meta.put("format", "cvkit");
        meta.putAll(extra);
        SafeTensors.write(file, tensors, meta);
    }

    /** Reads a model file written by {@link #save} (or a checkpoint), building the net with {@code factory}. */
    public static ClassifierModel load(Path file, ArchFactory factory) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        return fromContents(file, contents, factory, "");
    }

    static ClassifierModel fromContents(Path file, SafeTensors.Contents contents, ArchFactory factory, String prefix) {
        String cfgText = contents.config();
        if (cfgText == null) {
            throw new UserError(file + ": not a cvkit model file (no 'config' metadata)", 1);
        }
        JsonNode cfg;
        try {
            cfg = JSON.readTree(cfgText);
        } catch (IOException e) {
            throw new UserError(file + ": model config is not valid JSON", 1);
        }
        if (!"classify".equals(cfg.path("task").asText())) {
            throw new UserError(file + ": a '" + cfg.path("task").asText("?") + "' model, not a classifier", 2);
        }
        try {
            List<String> classes = new ArrayList<>();
            cfg.get("classes").forEach(n -> classes.add(n.asText()));
            if (classes.isEmpty() || classes.size() > MAX_CLASSES) {
                throw new IllegalArgumentException(classes.size() + " classes (1 … " + MAX_CLASSES + " allowed)");
            }
            JsonNode p = cfg.get("preprocessing");
            Preprocessing prep = new Preprocessing(small(p, "channels"), small(p, "resize"),
                    small(p, "height"), small(p, "width"), floats(p.get("mean")), floats(p.get("std")));
            JsonNode input = cfg.get("input");
            if (input != null && !(input.size() == 3 && input.get(0).asLong() == prep.channels()
                    && input.get(1).asLong() == prep.height() && input.get(2).asLong() == prep.width())) {
                throw new IllegalArgumentException("\"input\" " + input + " does not match the preprocessing's ["
                        + prep.channels() + "," + prep.height() + "," + prep.width() + "]");
            }
            String bad = SafeTensors.firstNonFinite(contents.tensors());
            if (bad != null) {
                throw new IllegalArgumentException("tensor " + bad + " holds NaN or infinite values");
            }
            String arch = cfg.get("arch").asText();
            Module net = factory.create(arch, classes.size(), prep.channels(), prep.height(), prep.width());
            Map<String, Tensor> weights = new LinkedHashMap<>();
            contents.tensors().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    weights.put(k.substring(prefix.length()), v);
                }
            });
            net.loadStateDict(weights);
            ObjectNode training = cfg.get("training") instanceof ObjectNode o ? o : JSON.createObjectNode();
            return new ClassifierModel(arch, classes, prep, net, training);
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new UserError(file + ": bad model file: " + (e.getMessage() == null ? "incomplete config" : e.getMessage()), 1);
        }
    }

    /** More classes than any real classifier has (ImageNet-21k: 21,841). */
    static final int MAX_CLASSES = 100_000;

    /** An integer config field that must fit an int (asInt would silently wrap 2^32 + 224 to 224). */
    private static int small(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("preprocessing." + key + " is " + (n == null ? "missing" : n + ", not a small whole number"));
        }
        return n.asInt();
    }

    private static float[] floats(JsonNode arr) {
        float[] f = new float[arr.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) arr.get(i).asDouble();
        }
        return f;
    }
}
