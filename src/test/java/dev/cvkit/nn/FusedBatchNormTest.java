package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.models.Architecture;
import dev.cvkit.optim.Sgd;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm with its activation (and a residual) as one op gives the same bits as BatchNorm,
 * add and clamp one after the other: outputs, every input's gradient and the running statistics.
 */
class FusedBatchNormTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    /** Output, then the gradients of x, weight, bias and residual, then running mean and variance. */
    private static List<float[]> run(boolean fused, boolean training, boolean withResidual, float hi, int threads) {
        Parallel.setThreads(threads);
        Random r = new Random(7);
        int n = 3, c = 5, h = 6, w = 7;
        Tensor x = Tensor.randn(r, n, c, h, w).requiresGrad(true);
        // some pre-activations exactly at the bounds and a −0 in the upstream gradient
        x.data()[3] = 0f;
        Tensor weight = Tensor.randn(r, c).requiresGrad(true), bias = Tensor.randn(r, c).requiresGrad(true);
        Tensor res = withResidual ? Tensor.randn(r, n, c, h, w).requiresGrad(true) : null;
        float[] rm = Tensor.randn(r, c).data(), rv = Tensor.uniform(r, 0.5f, 2f, c).data();
        Tensor y;
        if (fused) {
            y = Functional.batchNormAct(x, rm, rv, weight, bias, training, 0.1f, 1e-5f, res, 0f, hi);
        } else {
            y = Functional.batchNorm(x, rm, rv, weight, bias, training, 0.1f, 1e-5f);
            if (res != null) y = y.add(res);
            y = Functional.clamp(y, 0f, hi);
        }
        float[] seed = Tensor.randn(r, n, c, h, w).data();
        seed[10] = -0f;
        y.backward(seed);
        List<float[]> out = new ArrayList<>(List.of(y.data(), x.grad(), weight.grad(), bias.grad()));
        if (res != null) out.add(res.grad());
        out.add(rm);
        out.add(rv);
        return out;
    }

    @Test
    void fusedEqualsSeparateLayersBitForBit() {
        for (boolean training : new boolean[] {true, false}) {
            for (boolean withResidual : new boolean[] {false, true}) {
                for (float hi : new float[] {Float.POSITIVE_INFINITY, 6f, 0.5f}) {
                    List<float[]> ref = run(false, training, withResidual, hi, 1);
                    for (int threads : new int[] {1, 2, 3}) {
                        List<float[]> got = run(true, training, withResidual, hi, threads);
                        String what = "training " + training + ", residual " + withResidual + ", hi " + hi + ", threads " + threads;
                        assertEquals(ref.size(), got.size(), what);
                        for (int i = 0; i < ref.size(); i++) assertArrayEquals(ref.get(i), got.get(i), what + ", array " + i);
                    }
                }
            }
        }
    }

    /** Two ResNet-20 training steps: fused blocks against the layer-by-layer path a summary trace forces. */
    private static List<float[]> trainResnet20(boolean traced) {
        Init.seed(3);
        Module m = Architecture.RESNET20.build(10).train(true);
        Sgd opt = new Sgd(m.parameters(), 0.05f, 0.9f, 1e-4f, false);
        Random r = new Random(4);
        Tensor x = Tensor.randn(r, 6, 3, 16, 16);
        float[] y = new float[6];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
        List<float[]> out = new ArrayList<>();
        for (int step = 0; step < 2; step++) {
            opt.zeroGrad();
            Tensor[] loss = new Tensor[1];
            Runnable fwd = () -> loss[0] = Losses.crossEntropy(m.forward(x), Tensor.of(y, 6));
            if (traced) {
                Module.trace((mod, t) -> { }, fwd);
            } else {
                fwd.run();
            }
            loss[0].backward();
            opt.step();
            out.add(loss[0].data().clone());
        }
        for (Tensor t : m.stateDict().values()) out.add(t.data().clone());
        return out;
    }

    @Test
    void resnetTrainingStepsMatchTheUnfusedLayers() {
        List<float[]> ref = trainResnet20(true), got = trainResnet20(false);
        assertEquals(ref.size(), got.size());
        for (int i = 0; i < ref.size(); i++) assertArrayEquals(ref.get(i), got.get(i), "tensor " + i);
    }
}
