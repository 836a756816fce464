import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.Random;
/**
 * resnet18 inference (random weights, 224²) with the Winograd rule on ("auto") and off,
 * alternating in one JVM, one engine thread, CPU time per batch (minimum of 5 rounds), so other
 * load on a shared machine moves it less than wall time.
 *
 * <pre>java -cp target/cvkit.jar bench/WinogradResnet18.java</pre>
 */
public class WinogradResnet18 {
    public static void main(String[] a) throws Exception {
        Parallel.setThreads(1);
        var f = Class.forName("dev.cvkit.nn.ConvWinograd").getDeclaredField("mode"); f.setAccessible(true);
        dev.cvkit.nn.Init.seed(0);
        var m = dev.cvkit.models.Architecture.RESNET18.build(1000).eval();
        var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int b : new int[]{1, 8}) {
            Tensor x = Tensor.randn(new Random(0), b, 3, 224, 224);
            double[] best = {1e18, 1e18};
            for (int rep = 0; rep < 5; rep++) for (int k = 0; k < 2; k++) {
                f.set(null, k == 0 ? "auto" : "off");
                try (var g = Tensor.noGrad()) {
                    m.forward(x); m.forward(x);
                    long t0 = cpu.getCurrentThreadCpuTime(); int it = 0;
                    while (cpu.getCurrentThreadCpuTime() - t0 < 1_000_000_000L) { m.forward(x); it++; }
                    best[k] = Math.min(best[k], (cpu.getCurrentThreadCpuTime() - t0) / 1e6 / it);
                }
            }
            System.out.printf("resnet18 batch %d: Winograd (auto) %.1f ms, without %.1f ms CPU per batch: %.2fx, load %s%n", b, best[0], best[1], best[1] / best[0],
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
        }
    }
}
