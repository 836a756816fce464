package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A layer or a network: named parameters (trainable tensors), named buffers (e.g. BatchNorm's
 * running statistics) and named children, with train/eval mode.
 *
 * <p>Names join with dots exactly as PyTorch's {@code state_dict()} does
 * ({@code layer1.0.conv1.weight}), so weights exported from PyTorch load unchanged.
 * Call {@link #forward(Tensor)}; subclasses implement {@link #compute(Tensor)}.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Observes every module's output during a forward pass on this thread (model summaries). */
    private static final ThreadLocal<BiConsumer<Module, Tensor>> TRACER = new ThreadLocal<>();

    /** Runs the layer: input → output (shapes are documented by each layer). */
    public final Tensor forward(Tensor x) {
        Tensor y = compute(x);
        BiConsumer<Module, Tensor> t = TRACER.get();
        if (t != null) {
            t.accept(this, y);
        }
        return y;
    }

    /** The layer's computation; call children through their {@link #forward}. */
    protected abstract Tensor compute(Tensor x);

    /** Runs {@code body} with {@code tracer} seeing each (module, output) in completion order. */
    public static void trace(BiConsumer<Module, Tensor> tracer, Runnable body) {
        BiConsumer<Module, Tensor> old = TRACER.get();
        TRACER.set(tracer);
        try {
            body.run();
        } finally {
            TRACER.set(old);
        }
    }

    /**
     * True when this forward may take fused inference shortcuts (conv+BN+activation in one
     * pass): eval mode, gradients off, and no summary observing the individual layers.
     */
    protected final boolean fusedInference() {
        return !training && !Tensor.gradEnabled() && TRACER.get() == null;
    }

    /**
     * True when no summary observes the individual layers, so a BatchNorm and the activation
     * after it may run as one op ({@link BatchNorm#forwardAct}), with or without gradients.
     */
    protected final boolean unobserved() {
        return TRACER.get() == null;
    }

    // ------------------------------------------------------------------ registration

    protected final <M extends Module> M child(String name, M m) {
        children.put(name, m);
        return m;
    }

    protected final Tensor param(String name, Tensor t) {
        t.requiresGrad(true);
        params.put(name, t);
        return t;
    }

    protected final Tensor buffer(String name, Tensor t) {
        buffers.put(name, t);
        return t;
    }

    /** Direct children in registration order. */
    public Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    // ------------------------------------------------------------------ parameter changes

    private static final java.util.concurrent.atomic.AtomicLong PARAMETER_STAMP = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Declares that parameter values may have changed. Inference keeps derived copies of weights
     * (the convolutions' off-heap GEMM operands) and rebuilds them when this stamp moves; the
     * engine calls it from optimizer steps, {@link #loadStateDict} and {@link #train}(true). Code
     * that writes into a parameter's array directly must call it too.
     */
    public static void parametersChanged() {
        PARAMETER_STAMP.incrementAndGet();
    }

    /** The current stamp (see {@link #parametersChanged}). */
    static long parameterStamp() {
        return PARAMETER_STAMP.get();
    }

    // ------------------------------------------------------------------ mode

    public boolean isTraining() { return training; }

    /** Sets training mode here and in all children; returns this. */
    public Module train(boolean on) {
        if (on) parametersChanged();
        training = on;
        for (Module m : children.values()) {
            m.train(on);
        }
        return this;
    }

    public Module eval() { return train(false); }

    // ------------------------------------------------------------------ parameters

    /** All trainable parameters with dotted names, in registration order (depth first). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    /** Parameters and buffers with dotted names: what a model file stores. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withBuffers) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) {
            buffers.forEach((k, v) -> out.put(prefix + k, v));
        }
        children.forEach((k, m) -> m.collect(prefix + k + ".", out, withBuffers));
    }

    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Number of trainable values (PyTorch's sum(p.numel() for p in parameters())). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) {
            n += t.numel();
        }
        return n;
    }

    /** Parameters registered on this module itself (not children). */
    public long ownParameterCount() {
        long n = 0;
        for (Tensor t : params.values()) {
            n += t.numel();
        }
        return n;
    }

    public void zeroGrad() {
        for (Tensor t : namedParameters().values()) {
            t.zeroGrad();
        }
    }

    /**
     * Copies values from {@code state} (name → tensor) into this module's parameters and
     * buffers. Every name of this module must be present with the same number of values and
     * shape; names this module lacks are an error too, except BatchNorm's
     * {@code num_batches_tracked} counters. Throws IllegalArgumentException naming the problem.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        parametersChanged();
        Map<String, Tensor> mine = stateDict();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                if (!e.getKey().endsWith("num_batches_tracked")) {
                    missing.add(e.getKey());
                }
                continue;
            }
            Tensor dst = e.getValue();
            if (!Arrays.equals(squeezeScalar(src.shape()), squeezeScalar(dst.shape()))) {
                throw new IllegalArgumentException(e.getKey() + ": shape " + Arrays.toString(src.shape())
                        + " does not match the model's " + Arrays.toString(dst.shape()));
            }
            System.arraycopy(src.data(), 0, dst.data(), 0, dst.numel());
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing weights: " + summarize(missing));
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!mine.containsKey(k) && !k.endsWith("num_batches_tracked")) {
                unexpected.add(k);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("unexpected weights: " + summarize(unexpected));
        }
    }

    private static int[] squeezeScalar(int[] s) {
        return s.length == 1 && s[0] == 1 ? new int[0] : s;
    }

    private static String summarize(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }

    /** Multiply-adds of this module alone for the given output (0 unless a layer overrides). */
    public long macs(Tensor output) { return 0; }

    /** Short type name for summaries (the class name, like PyTorch's repr). */
    public String typeName() { return getClass().getSimpleName(); }
}
