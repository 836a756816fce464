import dev.cvkit.nn.Functional;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
/**
 * ResNet's 3×3/2 stem max-pool in training (8×64×80×80, random values, with argmax) on one
 * engine thread, CPU time (minimum of 60 alternating calls), against PyTorch's CPU loop (a
 * running maximum with a branch per value) written out here.
 *
 * <pre>java -cp target/cvkit.jar bench/MaxPoolStem.java</pre>
 */
public class MaxPoolStem {
    // PyTorch's loop: running maximum with a branch per value (the path before 8c9d201)
    static void branchy(float[] d, float[] y, int[] idx, int planes, int h, int w, int oh, int ow) {
        for (int pl = 0; pl < planes; pl++) {
            int xo = pl * h * w, yo = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * 2 - 1, y1 = Math.min(y0 + 3, h); y0 = Math.max(y0, 0);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * 2 - 1, x1 = Math.min(x0 + 3, w); x0 = Math.max(x0, 0);
                    float best = Float.NEGATIVE_INFINITY; int bi = y0 * w + x0;
                    for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) {
                        float v = d[xo + iy * w + ix];
                        if (v > best || v != v) { best = v; bi = iy * w + ix; }
                    }
                    y[yo + oy * ow + ox] = best; idx[yo + oy * ow + ox] = bi;
                }
            }
        }
    }
    public static void main(String[] a) {
        Parallel.setThreads(1);
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        Tensor x = Tensor.randn(new java.util.Random(0), 8, 64, 80, 80).requiresGrad(true);
        float[] y = new float[8 * 64 * 40 * 40]; int[] idx = new int[y.length];
        double[] best = {1e18, 1e18};
        for (int r = 0; r < 120; r++) {
            long t0 = bean.getCurrentThreadCpuTime();
            if (r % 2 == 0) Functional.maxPool2d(x, 3, 3, 2, 2, 1, 1, false);
            else branchy(x.data(), y, idx, 8 * 64, 80, 80, 40, 40);
            best[r % 2] = Math.min(best[r % 2], (bean.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        System.out.printf("maxpool 3x3/2 train fwd: cvkit %.2f ms, branch-per-value loop %.2f ms CPU (min of 60)%n", best[0], best[1]);
    }
}
