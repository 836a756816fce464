package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;
import java.util.Random;

/**
 * Weight initialisation with PyTorch's formulas (nn.init), drawn from a seeded generator.
 * Layers created on a thread take their initial values from {@link #rng()}, so
 * {@code Init.seed(s)} before building a model makes its initial weights reproducible.
 * (The distributions match PyTorch's; the random streams are Java's, not PyTorch's.)
 */
public final class Init {
    private static final ThreadLocal<Random> RNG = ThreadLocal.withInitial(() -> new Random(0));
    private static final ThreadLocal<int[]> SKIP = ThreadLocal.withInitial(() -> new int[1]);

    private Init() {}

    public static void seed(long seed) { RNG.set(new Random(seed)); }

    /**
     * Until closed, layers built on this thread keep zero weights instead of drawing random
     * ones: for summaries and for models whose weights are loaded right after (saves seconds
     * on VGG's 138 M parameters).
     */
    public static AutoCloseable skipScope() {
        SKIP.get()[0]++;
        return () -> SKIP.get()[0]--;
    }

    static boolean skipping() { return SKIP.get()[0] > 0; }

    public static Random rng() { return RNG.get(); }

    /** fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field (PyTorch's rule). */
    public static int[] fans(Tensor w) {
        int[] s = w.shape();
        int rf = 1;
        for (int i = 2; i < s.length; i++) rf *= s[i];
        int in = s.length > 1 ? s[1] * rf : s[0];
        int out = s[0] * rf;
        return new int[] {in, out};
    }

    public static void uniform(Tensor t, float lo, float hi) {
        if (skipping()) return;
        float[] d = t.data();
        Random r = rng();
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * r.nextFloat();
    }

    public static void normal(Tensor t, float mean, float std) {
        if (skipping()) return;
        float[] d = t.data();
        Random r = rng();
        for (int i = 0; i < d.length; i++) d[i] = mean + std * (float) r.nextGaussian();
    }

    public static void constant(Tensor t, float v) {
        java.util.Arrays.fill(t.data(), v);
    }

    /** Gain for ReLU-family nonlinearities: sqrt(2 / (1 + a²)) (a = leaky slope; 0 for ReLU). */
    public static float gain(float a) { return (float) Math.sqrt(2.0 / (1 + a * a)); }

    /** kaiming_uniform_(a, mode): bound = gain · sqrt(3 / fan). */
    public static void kaimingUniform(Tensor w, float a, boolean fanOut) {
        int fan = fans(w)[fanOut ? 1 : 0];
        float bound = gain(a) * (float) Math.sqrt(3.0 / fan);
        uniform(w, -bound, bound);
    }

    /** kaiming_normal_(a, mode): std = gain / sqrt(fan). */
    public static void kaimingNormal(Tensor w, float a, boolean fanOut) {
        int fan = fans(w)[fanOut ? 1 : 0];
        normal(w, 0f, gain(a) / (float) Math.sqrt(fan));
    }

    /** xavier_uniform_: bound = gain · sqrt(6 / (fan_in + fan_out)). */
    public static void xavierUniform(Tensor w, float gain) {
        int[] f = fans(w);
        float bound = gain * (float) Math.sqrt(6.0 / (f[0] + f[1]));
        uniform(w, -bound, bound);
    }

    /** xavier_normal_: std = gain · sqrt(2 / (fan_in + fan_out)). */
    public static void xavierNormal(Tensor w, float gain) {
        int[] f = fans(w);
        normal(w, 0f, gain * (float) Math.sqrt(2.0 / (f[0] + f[1])));
    }

    /** PyTorch's default for Conv/Linear: kaiming_uniform(a=√5) weight, bias U(±1/√fan_in). */
    static void defaultLayer(Tensor w, Tensor b) {
        kaimingUniform(w, (float) Math.sqrt(5), false);
        if (b != null) {
            float bound = 1f / (float) Math.sqrt(fans(w)[0]);
            uniform(b, -bound, bound);
        }
    }
}
