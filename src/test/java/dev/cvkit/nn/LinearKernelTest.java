package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Functional.linear on a batch large enough for several row blocks (and a weight large enough
 * for several feature blocks): output and gradients against sums in double, and bitwise equal
 * for 1, 2 and 3 threads.
 */
class LinearKernelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    private static final int N = 600, IN = 70, OUT = 520;

    /** y, dx, dw, db for seeded inputs and output gradient. */
    private static List<float[]> run(int threads) {
        Parallel.setThreads(threads);
        Random r = new Random(5);
        Tensor x = Tensor.randn(r, N, IN).requiresGrad(true), w = Tensor.randn(r, OUT, IN).requiresGrad(true);
        Tensor b = Tensor.randn(r, OUT).requiresGrad(true);
        Tensor y = Functional.linear(x, w, b);
        y.backward(Tensor.randn(r, N, OUT).data());
        return List.of(y.data(), x.grad(), w.grad(), b.grad());
    }

    @Test
    void matchesDirectSumsAndIsIdenticalForAnyThreadCount() {
        List<float[]> got = run(1);
        Random r = new Random(5);
        float[] x = Tensor.randn(r, N, IN).data(), w = Tensor.randn(r, OUT, IN).data(), b = Tensor.randn(r, OUT).data();
        float[] dy = Tensor.randn(r, N, OUT).data();
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < OUT; j++) {
                double s = b[j];
                for (int k = 0; k < IN; k++) s += (double) x[i * IN + k] * w[j * IN + k];
                assertEquals(s, got.get(0)[i * OUT + j], 1e-4 * (1 + Math.abs(s)), "y " + i + "," + j);
            }
            for (int k = 0; k < IN; k++) {
                double s = 0;
                for (int j = 0; j < OUT; j++) s += (double) dy[i * OUT + j] * w[j * IN + k];
                assertEquals(s, got.get(1)[i * IN + k], 1e-4 * (1 + Math.abs(s)), "dx " + i + "," + k);
            }
        }
        for (int j = 0; j < OUT; j++) {
            double sb = 0;
            for (int i = 0; i < N; i++) sb += dy[i * OUT + j];
            assertEquals(sb, got.get(3)[j], 1e-3 * (1 + Math.abs(sb)), "db " + j);
            for (int k = 0; k < IN; k++) {
                double s = 0;
                for (int i = 0; i < N; i++) s += (double) dy[i * OUT + j] * x[i * IN + k];
                assertEquals(s, got.get(2)[j * IN + k], 1e-3 * (1 + Math.abs(s)), "dw " + j + "," + k);
            }
        }
        for (int t : new int[] {2, 3}) {
            List<float[]> other = run(t);
            for (int i = 0; i < got.size(); i++) assertArrayEquals(got.get(i), other.get(i), "threads " + t + ", array " + i);
        }
    }
}
