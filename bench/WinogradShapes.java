import dev.cvkit.nn.Conv;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.lang.reflect.Field;
import java.util.Random;

/**
 * Where Winograd F(2×2, 3×3) beats the im2col / tap-by-tap paths: times 3×3 stride-1 "same"
 * convolutions over channel counts and map sizes with the Winograd kernel forced on and off,
 * alternating, in one JVM, and prints the speed-up per shape (on ÷ off, > 1: Winograd faster)
 * for inference (conv2dFused) and a training step (forward + input and weight gradients).
 * The rule in dev.cvkit.nn.ConvWinograd#wins comes from this table. Times are this thread's
 * CPU time (one engine thread runs every task inline), the minimum of 5 alternating rounds, so
 * other load on a shared machine moves them less than wall time.
 *
 * <pre>java -cp target/cvkit.jar bench/WinogradShapes.java</pre>
 */
public class WinogradShapes {
    public static void main(String[] args) throws Exception {
        Parallel.setThreads(1);
        Field mode = Class.forName("dev.cvkit.nn.ConvWinograd").getDeclaredField("mode");
        mode.setAccessible(true);
        Random r = new Random(1);
        int[][] shapes = { // n, c = k, size
                {8, 16, 32}, {8, 32, 32}, {8, 32, 16}, {8, 64, 8}, {8, 64, 16}, {8, 64, 56}, {8, 128, 28},
                {8, 256, 14}, {8, 512, 7}, {2, 256, 14}, {1, 64, 56}, {1, 128, 28}, {1, 256, 14}, {1, 512, 7}, {32, 64, 56}};
        System.out.printf("%-16s %10s %10s %8s %10s %10s %8s  load %s%n", "n c size", "inf on ms", "inf off ms", "speedup",
                "train on", "train off", "speedup", load());
        for (int[] s : shapes) {
            int n = s[0], c = s[1], hw = s[2];
            Tensor x = Tensor.randn(r, n, c, hw, hw), w = Tensor.randn(r, c, c, 3, 3);
            float[] gy = Tensor.randn(r, n, c, hw, hw).data();
            double[] inf = new double[2], train = new double[2];
            for (int rep = 0; rep < 5; rep++) {
                for (int m = 0; m < 2; m++) {
                    mode.set(null, m == 0 ? "on" : "off");
                    double a = time(() -> Conv.conv2dFused(x, w, null, null, 0f, Float.POSITIVE_INFINITY, 1, 1, 1, 1, 1, 1, 1));
                    double b = time(() -> {
                        Tensor xr = x.copy().requiresGrad(true), wr = w.copy().requiresGrad(true);
                        Conv.conv2d(xr, wr, null, 1, 1, 1, 1, 1, 1, 1).backward(gy);
                    });
                    inf[m] = rep == 0 ? a : Math.min(inf[m], a);
                    train[m] = rep == 0 ? b : Math.min(train[m], b);
                }
            }
            System.out.printf("%-16s %10.2f %10.2f %8.2f %10.2f %10.2f %8.2f  load %s%n", n + " " + c + " " + hw,
                    inf[0], inf[1], inf[1] / inf[0], train[0], train[1], train[1] / train[0], load());
        }
        mode.set(null, "auto");
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU milliseconds per call: warm-up, then calls until 0.2 s of CPU time have passed. */
    static double time(Runnable f) {
        for (int i = 0; i < 2; i++) f.run();
        long t0 = CPU.getCurrentThreadCpuTime();
        int calls = 0;
        while (CPU.getCurrentThreadCpuTime() - t0 < 200_000_000L || calls < 2) {
            f.run();
            calls++;
        }
        return (CPU.getCurrentThreadCpuTime() - t0) / 1e6 / calls;
    }

    static String load() throws Exception {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    }
}
