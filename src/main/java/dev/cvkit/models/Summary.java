package dev.cvkit.models;

import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer output shapes, parameter counts and multiply-adds of a network for one input image,
 * found by running it once (eval mode, no gradients) on zeros and observing every leaf layer.
 */
public final class Summary {
    /**
     * One executed leaf layer: dotted name, type, output shape without the batch dimension, and
     * that dimension ({@code rows}): 1 for the one input image, more for a layer applied to
     * regions of it (an R-CNN box head's RoIs).
     */
    public record Layer(String name, String type, int[] output, long params, long macs, int rows) {}

    public record Result(String name, long params, long macs, List<Layer> layers) {}

    private Summary() {}

    /** Summarises {@code model} for a [1, c, h, w] input. Parameters of a layer count once. */
    public static Result of(String name, Module model, int c, int h, int w) {
        Map<Module, String> names = new IdentityHashMap<>();
        index(model, "", names);
        List<Layer> layers = new ArrayList<>();
        Map<Module, Boolean> counted = new IdentityHashMap<>();
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var g = Tensor.noGrad()) {
            Tensor x = Tensor.zeros(1, c, h, w);
            Module.trace((m, y) -> {
                if (!m.children().isEmpty()) return;
                long p = counted.put(m, true) == null ? m.ownParameterCount() : 0;
                int[] s = y.shape();
                int[] out = java.util.Arrays.copyOfRange(s, 1, s.length);
                layers.add(new Layer(names.getOrDefault(m, "?"), m.typeName(), out, p, m.macs(y), s.length == 0 ? 1 : s[0]));
            }, () -> model.forward(x));
        } finally {
            model.train(wasTraining);
        }
        long macs = 0;
        for (Layer l : layers) macs += l.macs();
        return new Result(name, model.parameterCount(), macs, layers);
    }

    private static void index(Module m, String prefix, Map<Module, String> names) {
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            String n = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            names.putIfAbsent(e.getValue(), n);
            index(e.getValue(), n, names);
        }
    }
}
