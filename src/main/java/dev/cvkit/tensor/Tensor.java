package dev.cvkit.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A float32 tensor: a shape (row-major, images are NCHW) and one contiguous {@code float[]}.
 *
 * <p>Autograd works per tensor in the micrograd style: an op computes its output and, when any
 * input requires a gradient and gradients are enabled, attaches a backward closure that
 * accumulates ({@code +=}) the output's gradient into its inputs' gradients.
 * {@link #backward()} runs those closures in reverse topological order. Inside
 * {@code try (var g = Tensor.noGrad()) {...}} nothing is recorded and no gradient memory is
 * allocated.
 *
 * <p>The data array is exposed for kernels; code outside an op must not change the data of a
 * tensor that is part of a graph still to be differentiated.
 */
public final class Tensor {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final int[] shape;
    private final float[] data;
    private float[] grad;
    private boolean requiresGrad;
    private Tensor[] parents;
    private Runnable backwardFn;

    private Tensor(float[] data, int[] shape) {
        this.shape = shape.clone();
        this.data = data;
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " values, got " + data.length);
        }
    }

    // ---------------------------------------------------------------- factories

    /** A tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[numel(shape)], shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape);
    }

    /** Standard normal values from {@code rng} (reproducible for a seeded Random). */
    public static Tensor randn(Random rng, int... shape) {
        float[] d = new float[numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new Tensor(d, shape);
    }

    /** Uniform values in [lo, hi) from {@code rng}. */
    public static Tensor uniform(Random rng, float lo, float hi, int... shape) {
        float[] d = new float[numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rng.nextFloat();
        }
        return new Tensor(d, shape);
    }

    /** A leaf that collects gradients (a parameter or an input to differentiate). */
    public static Tensor param(float[] data, int... shape) {
        return new Tensor(data, shape).requiresGrad(true);
    }

    // ---------------------------------------------------------------- accessors

    public int[] shape() { return shape.clone(); }

    /** Size of dimension {@code i}; negative counts from the end. */
    public int size(int i) { return shape[i < 0 ? shape.length + i : i]; }

    public int dim() { return shape.length; }

    public int numel() { return data.length; }

    /** The values, row-major (not a copy). */
    public float[] data() { return data; }

    /** The accumulated gradient, or null if none was computed. Same layout as {@link #data()}. */
    public float[] grad() { return grad; }

    /** The gradient array, allocated (zeros) on first use. For ops' backward closures. */
    public float[] gradBuffer() {
        if (grad == null) {
            grad = new float[data.length];
        }
        return grad;
    }

    public void zeroGrad() { grad = null; }

    public boolean requiresGrad() { return requiresGrad; }

    public Tensor requiresGrad(boolean on) {
        this.requiresGrad = on;
        return this;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() of a tensor with " + data.length + " values");
        }
        return data[0];
    }

    /** A copy with no history. */
    public Tensor copy() { return new Tensor(data.clone(), shape); }

    /** The same data with no history (like PyTorch's detach()). */
    public Tensor detach() { return new Tensor(data, shape); }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (requiresGrad ? " (grad)" : "");
    }

    // ---------------------------------------------------------------- autograd plumbing

    /** True unless inside a {@link #noGrad()} scope on this thread. */
    public static boolean gradEnabled() { return NO_GRAD_DEPTH.get()[0] == 0; }

    /** Disables recording on this thread until closed; scopes nest. */
    public static NoGrad noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** A no-grad scope; closing it restores the previous mode. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    /**
     * For ops: a new output over {@code data}. It requires a gradient iff gradients are enabled
     * and any input requires one; then the op must call {@link #setBackward}.
     */
    public static Tensor result(float[] data, int[] shape, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (gradEnabled()) {
            for (Tensor t : inputs) {
                if (t != null && t.requiresGrad) {
                    out.requiresGrad = true;
                    out.parents = inputs;
                    break;
                }
            }
        }
        return out;
    }

    /** For ops: the closure that reads this tensor's gradient and accumulates into inputs. */
    public void setBackward(Runnable fn) {
        this.backwardFn = fn;
    }

    /** Backpropagates from a scalar (one-element) tensor with seed gradient 1. */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward() needs a scalar, shape is " + Arrays.toString(shape));
        }
        backward(new float[] {1f});
    }

    /** Backpropagates with the given seed gradient (same layout as data). */
    public void backward(float[] seed) {
        float[] g = gradBuffer();
        for (int i = 0; i < g.length; i++) {
            g[i] += seed[i];
        }
        List<Tensor> order = topoOrder();
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.backwardFn != null && t.grad != null) {
                t.backwardFn.run();
            }
        }
        // Free the graph like PyTorch does: intermediate tensors drop their closures and
        // gradients so the memory can be reclaimed; leaves keep their gradients.
        for (Tensor t : order) {
            if (t.parents != null) {
                t.backwardFn = null;
                t.parents = null;
                if (t != this) {
                    t.grad = null;
                }
            }
        }
    }

    private List<Tensor> topoOrder() {
        // Iterative post-order DFS (deep nets would overflow a recursive one).
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        seen.add(this);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            Tensor[] ps = t.parents;
            if (ps != null && next < ps.length) {
                top[1] = next + 1;
                Tensor p = ps[next];
                if (p != null && p.requiresGrad && seen.add(p)) {
                    stack.push(new Object[] {p, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    // ---------------------------------------------------------------- shape helpers

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
        return (int) n;
    }

    // ---------------------------------------------------------------- basic differentiable ops

    /** Same data, new shape (one dimension may be -1). Gradient flows through unchanged. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            s[infer] = (int) (data.length / Math.max(1, known));
        }
        if (numel(s) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        Tensor out = result(data, s, this);
        if (out.requiresGrad) {
            out.setBackward(() -> addInto(gradBuffer(), out.grad));
        }
        return out;
    }

    /** Flattens all dimensions after the first: [N, ...] → [N, rest]. */
    public Tensor flatten() {
        return reshape(shape[0], -1);
    }

    /** Elementwise sum of two tensors of the same shape. */
    public Tensor add(Tensor o) {
        checkSame(o);
        float[] r = new float[data.length];
        float[] a = data, b = o.data;
        Parallel.forRange(r.length, (from, to) -> {
            for (int i = from; i < to; i++) r[i] = a[i] + b[i];
        });
        Tensor out = result(r, shape, this, o);
        if (out.requiresGrad) {
            out.setBackward(() -> {
                if (requiresGrad) addGrad(out.grad);
                if (o.requiresGrad) o.addGrad(out.grad);
            });
        }
        return out;
    }

    /** Elementwise difference. */
    public Tensor sub(Tensor o) {
        checkSame(o);
        float[] r = new float[data.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = data[i] - o.data[i];
        }
        Tensor out = result(r, shape, this, o);
        if (out.requiresGrad) {
            out.setBackward(() -> {
                if (requiresGrad) addInto(gradBuffer(), out.grad);
                if (o.requiresGrad) {
                    float[] g = o.gradBuffer();
                    for (int i = 0; i < g.length; i++) g[i] -= out.grad[i];
                }
            });
        }
        return out;
    }

    /** Elementwise product. */
    public Tensor mul(Tensor o) {
        checkSame(o);
        float[] r = new float[data.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = data[i] * o.data[i];
        }
        Tensor out = result(r, shape, this, o);
        if (out.requiresGrad) {
            out.setBackward(() -> {
                if (requiresGrad) {
                    float[] g = gradBuffer();
                    for (int i = 0; i < g.length; i++) g[i] += out.grad[i] * o.data[i];
                }
                if (o.requiresGrad) {
                    float[] g = o.gradBuffer();
                    for (int i = 0; i < g.length; i++) g[i] += out.grad[i] * data[i];
                }
            });
        }
        return out;
    }

    /** Multiplies every value by {@code s}. */
    public Tensor mul(float s) {
        float[] r = new float[data.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = data[i] * s;
        }
        Tensor out = result(r, shape, this);
        if (out.requiresGrad) {
            out.setBackward(() -> {
                float[] g = gradBuffer();
                for (int i = 0; i < g.length; i++) g[i] += out.grad[i] * s;
            });
        }
        return out;
    }

    /** Sum of all values, a one-element tensor. Accumulated in double for accuracy. */
    public Tensor sum() {
        double s = 0;
        for (float v : data) {
            s += v;
        }
        Tensor out = result(new float[] {(float) s}, new int[0], this);
        if (out.requiresGrad) {
            out.setBackward(() -> {
                float g0 = out.grad[0];
                float[] g = gradBuffer();
                for (int i = 0; i < g.length; i++) g[i] += g0;
            });
        }
        return out;
    }

    /** Mean of all values, a one-element tensor. */
    public Tensor mean() {
        return sum().mul(1f / data.length);
    }

    private void checkSame(Tensor o) {
        if (!Arrays.equals(shape, o.shape)) {
            throw new IllegalArgumentException("shape mismatch: " + Arrays.toString(shape) + " vs " + Arrays.toString(o.shape));
        }
    }

    /** dst += src, elementwise. */
    public static void addInto(float[] dst, float[] src) {
        Parallel.forRange(dst.length, (from, to) -> {
            for (int i = from; i < to; i++) dst[i] += src[i];
        });
    }

    /** grad += g; the first contribution is copied (no zero-filled buffer to add into). */
    private void addGrad(float[] g) {
        if (grad == null) grad = g.clone();
        else addInto(grad, g);
    }
}
