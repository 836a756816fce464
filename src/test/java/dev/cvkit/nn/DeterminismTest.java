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

/** Two ResNet-20 training steps give bit-identical losses and weights for 1, 2 and 3 threads. */
class DeterminismTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    private static List<float[]> train(int threads) {
        Parallel.setThreads(threads);
        Init.seed(42);
        Module m = Architecture.RESNET20.build(10).train(true);
        Sgd opt = new Sgd(m.parameters(), 0.05f, 0.9f, 1e-4f, true);
        Random r = new Random(1);
        Tensor x = Tensor.randn(r, 20, 3, 16, 16);
        float[] y = new float[20];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
        List<float[]> out = new ArrayList<>();
        for (int step = 0; step < 2; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(m.forward(x), Tensor.of(y, 20));
            loss.backward();
            opt.step();
            out.add(loss.data().clone());
        }
        for (Tensor t : m.stateDict().values()) out.add(t.data().clone());
        return out;
    }

    @Test
    void trainingIsBitwiseIdenticalAcrossThreadCounts() {
        List<float[]> one = train(1);
        for (int t : new int[] {2, 3}) {
            List<float[]> other = train(t);
            assertEquals(one.size(), other.size());
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(one.get(i), other.get(i), "threads " + t + ", tensor " + i);
            }
        }
    }
}
