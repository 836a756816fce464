package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of analytic gradients: for f(x) = Σ y(x)·r with a fixed random r,
 * ∂f/∂x_i from backward vs (f(x + h e_i) − f(x − h e_i)) / 2h in double-checked float32.
 */
class GradCheckTest {
    private static void check(String what, Tensor x, Function<Tensor, Tensor> fn) {
        Random rng = new Random(11);
        Tensor y0 = fn.apply(x);
        float[] r = new float[y0.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        Tensor xs = x.copy().requiresGrad(true);
        fn.apply(xs).backward(r);
        float[] g = xs.grad();
        float h = 1e-2f;
        for (int i = 0; i < x.numel(); i += Math.max(1, x.numel() / 40)) {
            float[] d = x.data();
            float old = d[i];
            d[i] = old + h;
            double fp = dot(fn.apply(x.detach()).data(), r);
            d[i] = old - h;
            double fm = dot(fn.apply(x.detach()).data(), r);
            d[i] = old;
            double num = (fp - fm) / (2 * h);
            assertEquals(num, g[i], 2e-2 * (1 + Math.abs(num)), what + " at " + i);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private static Tensor input(int... shape) {
        return Tensor.randn(new Random(5), shape);
    }

    /** MobileNet v3's gates: values by hand on each side of ±3, gradients by finite differences over the three pieces. */
    @Test
    void hardswishAndHardsigmoid() {
        Tensor x = Tensor.of(new float[] {-4f, -3f, -1.5f, 0f, 2f, 3f, 5f}, 7);
        float[] hs = Functional.hardswish(x).data(), hg = Functional.hardsigmoid(x).data();
        float[] wantHs = {0f, 0f, -1.5f * 1.5f / 6f, 0f, 2f * 5f / 6f, 3f, 5f}, wantHg = {0f, 0f, 0.25f, 0.5f, 2f / 6f + 0.5f, 1f, 1f};
        for (int i = 0; i < 7; i++) {
            assertEquals(wantHs[i], hs[i], 1e-6, "hardswish " + x.data()[i]);
            assertEquals(wantHg[i], hg[i], 1e-6, "hardsigmoid " + x.data()[i]);
        }
        check("hardswish", input(2, 3, 5, 5).mul(3f), Functional::hardswish);
        check("hardsigmoid", input(2, 3, 5, 5).mul(3f), Functional::hardsigmoid);
    }

    @Test
    void convolutions() {
        Tensor w = Tensor.randn(new Random(1), 4, 3, 3, 3);
        check("conv2d", input(2, 3, 6, 6), x -> Conv.conv2d(x, w, null, 2, 1, 1, 0, 1, 2, 1));
        Tensor wd = Tensor.randn(new Random(2), 3, 1, 3, 3);
        check("depthwise", input(1, 3, 5, 5), x -> Conv.conv2d(x, wd, null, 1, 1, 1, 1, 1, 1, 3));
        Tensor wt = Tensor.randn(new Random(3), 3, 2, 3, 3);
        check("conv_transpose", input(1, 3, 4, 4), x -> Conv.convTranspose2d(x, wt, null, 2, 2, 1, 1, 1, 1, 1, 1, 1));
        Tensor ws = Tensor.randn(new Random(6), 4, 4, 3, 3);
        check("conv2d same n1", input(1, 4, 5, 5), x -> Conv.conv2d(x, ws, null, 1, 1, 1, 1, 1, 1, 1));
        check("conv2d same n4", input(4, 4, 5, 5), x -> Conv.conv2d(x, ws, null, 1, 1, 1, 1, 1, 1, 1));
        // gradient with respect to the weight
        Tensor xin = input(2, 3, 5, 5);
        check("conv2d weight", Tensor.randn(new Random(4), 2, 3, 3, 3), ww -> Conv.conv2d(xin, ww, null, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    void normalisationAndPooling() {
        check("batchnorm train", input(3, 2, 3, 3), x -> Functional.batchNorm(x, null, null, null, null, true, 0.1f, 1e-5f));
        check("group norm", input(2, 4, 3, 3), x -> Functional.groupNorm(x, 2, null, null, 1e-5f));
        check("lrn", input(1, 5, 2, 2), x -> Functional.localResponseNorm(x, 3, 0.5f, 0.75f, 1f));
        check("avg pool", input(1, 2, 5, 5), x -> Functional.avgPool2d(x, 3, 3, 2, 2, 1, 1, false, true));
        check("bilinear", input(1, 1, 3, 3), x -> Functional.upsampleBilinear(x, 5, 7, false));
        check("log softmax", input(3, 4), x -> Functional.logSoftmax(x, 1));
        Tensor t = Tensor.of(new float[] {1, 0, 3}, 3);
        check("cross entropy", input(3, 4), x -> Losses.crossEntropy(x, t, null, -100, 0.1f));
    }
}
