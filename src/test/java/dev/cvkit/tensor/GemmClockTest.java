package dev.cvkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The GEMM clock counts 2·m·n·k per call while on (both operand forms) and nothing while off. */
class GemmClockTest {
    @Test
    void countsWorkOnlyWhileOn() {
        Gemm g = new BlasGemm();
        float[] a = new float[6 * 4], b = new float[4 * 5], c = new float[6 * 5];
        NativeFloats na = new NativeFloats().ensure(24), nb = new NativeFloats().ensure(20), nc = new NativeFloats().ensure(30);
        GemmClock.start();
        g.sgemm(false, false, 6, 5, 4, 1f, a, 0, 4, b, 0, 5, 0f, c, 0, 5);
        g.sgemm(true, false, 6, 5, 4, 1f, na, 0, 6, nb, 0, 5, 0f, nc, 0, 5);
        GemmClock.stop();
        assertEquals(2 * 2L * 6 * 5 * 4, GemmClock.flops());
        assertTrue(GemmClock.nanos() > 0);
        long before = GemmClock.flops();
        g.sgemm(false, false, 6, 5, 4, 1f, a, 0, 4, b, 0, 5, 0f, c, 0, 5);
        assertEquals(before, GemmClock.flops(), "counted while off");
    }
}
