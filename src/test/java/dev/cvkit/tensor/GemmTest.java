package dev.cvkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The OpenBLAS backend against the naive reference, all transpose/offset/stride cases. */
class GemmTest {
    @Test
    void blasMatchesNaiveReference() {
        Gemm blas = Gemm.get();
        assertTrue(blas instanceof BlasGemm, "OpenBLAS natives should load on this platform");
        Random r = new Random(3);
        int[][] sizes = {{1, 1, 1}, {7, 5, 3}, {33, 65, 17}, {64, 300, 150}};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (int ta = 0; ta < 2; ta++) {
                for (int tb = 0; tb < 2; tb++) {
                    boolean transA = ta == 1, transB = tb == 1;
                    int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
                    float[] a = rand(r, 4 + lda * (transA ? k : m));
                    float[] b = rand(r, 1 + ldb * (transB ? n : k));
                    float[] c1 = rand(r, 2 + ldc * m);
                    float[] c2 = c1.clone();
                    blas.sgemm(transA, transB, m, n, k, 0.5f, a, 4, lda, b, 1, ldb, 2f, c1, 2, ldc);
                    Gemm.naive().sgemm(transA, transB, m, n, k, 0.5f, a, 4, lda, b, 1, ldb, 2f, c2, 2, ldc);
                    for (int i = 0; i < c1.length; i++) {
                        assertEquals(c2[i], c1[i], 1e-4f * (1 + Math.abs(c2[i])) * Math.sqrt(k), "m" + m + " n" + n + " k" + k + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void hardCheckedSmallProduct() {
        // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]] (by hand)
        float[] c = new float[4];
        Gemm.get().sgemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2, 0f, c, 0, 2);
        assertEquals(19f, c[0]);
        assertEquals(22f, c[1]);
        assertEquals(43f, c[2]);
        assertEquals(50f, c[3]);
    }

    static float[] rand(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) r.nextGaussian();
        return f;
    }
}
