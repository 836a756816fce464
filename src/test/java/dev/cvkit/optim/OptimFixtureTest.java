package dev.cvkit.optim;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Optimizer updates and LR schedules against torch.optim (three steps with fixed gradients). */
class OptimFixtureTest {
    private static void run(String name, Function<List<Tensor>, Optimizer> make) {
        SafeTensors.Contents c = Fixtures.load("nn/optim_" + name + ".safetensors");
        Tensor p = c.tensors().get("p0").copy().requiresGrad(true);
        float[] grads = c.tensors().get("grads").data(), steps = c.tensors().get("steps").data();
        int n = p.numel();
        Optimizer opt = make.apply(List.of(p));
        for (int s = 0; s < 3; s++) {
            p.gradBuffer();
            System.arraycopy(grads, s * n, p.grad(), 0, n);
            opt.step();
            Fixtures.assertClose(Arrays.copyOfRange(steps, s * n, (s + 1) * n), p.data(), 1e-5f, 1e-6f, name + " step " + s);
        }
    }

    @Test
    void sgdVariants() {
        run("sgd", ps -> new Sgd(ps, 0.1f, 0f, 0f, false));
        run("sgd_momentum_wd", ps -> new Sgd(ps, 0.1f, 0.9f, 0.01f, false));
        run("sgd_nesterov", ps -> new Sgd(ps, 0.1f, 0.9f, 0f, true));
    }

    @Test
    void adaptive() {
        run("adam", ps -> Adam.adam(ps, 0.01f, 0.01f));
        run("adamw", ps -> Adam.adamW(ps, 0.01f, 0.1f));
        run("adadelta", ps -> new Adadelta(ps, 1.0f, 0.9f, 1e-6f, 0.01f));
    }

    @Test
    void schedules() {
        var t = Fixtures.load("nn/schedules.safetensors").tensors();
        check(t.get("step").data(), LrSchedule.step(0.1f, 4, 0.5f));
        check(t.get("multistep").data(), LrSchedule.multiStep(0.1f, new int[] {3, 7}, 0.1f));
        check(t.get("cosine").data(), LrSchedule.cosine(0.1f, 10, 0.001f));
        check(t.get("warmup").data(), LrSchedule.linearWarmup(0.1f, 0.1f, 1.0f, 5));
    }

    private static void check(float[] expected, LrSchedule s) {
        float[] mine = new float[expected.length];
        for (int e = 0; e < mine.length; e++) mine[e] = s.lr(e);
        // PyTorch's chainable cosine form drifts past T_max; compare the first T_max+1 closely
        Fixtures.assertClose(Arrays.copyOf(expected, 11), Arrays.copyOf(mine, 11), 1e-4f, 1e-6f, "lr");
    }

    @Test
    void clipGradNormScalesToMaxNorm() {
        Tensor a = Tensor.param(new float[] {3, 0}, 2), b = Tensor.param(new float[] {4}, 1);
        a.gradBuffer()[0] = 3;
        b.gradBuffer()[0] = 4; // global norm 5 (by hand)
        float norm = Optimizer.clipGradNorm(List.of(a, b), 1f);
        Fixtures.assertClose(new float[] {5f}, new float[] {norm}, 1e-6f, 0f, "norm");
        Fixtures.assertClose(new float[] {0.6f, 0f, 0.8f}, new float[] {a.grad()[0], a.grad()[1], b.grad()[0]}, 1e-5f, 1e-6f, "clipped");
    }
}
