import dev.cvkit.models.Architecture;
import dev.cvkit.models.Benchmarks;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.optim.Sgd;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * CPU time per training step of the `cvkit bench` cases train_resnet20 and
 * train_fasterrcnn_r18fpn / train_maskrcnn_r18fpn (same models, inputs and settings), on one
 * engine thread: the calling thread's CPU time (minimum and median over the steps) and the whole
 * process's (adds GC and JIT threads). On a shared machine other jobs stretch wall time but move
 * a thread's CPU time much less, so two builds can be compared by running this with each jar in
 * turn:
 *
 * <pre>java -cp target/cvkit.jar bench/TrainStepCpu.java resnet20|fasterrcnn|maskrcnn [STEPS [THREADS]]</pre>
 *
 * <p>With THREADS &gt; 1 the thread CPU column is the calling thread's alone; compare the process
 * CPU and the wall time then (the wall time per step is what the 2-thread scaling is about).
 */
public class TrainStepCpu {
    public static void main(String[] a) {
        String kase = a[0];
        int steps = a.length > 1 ? Integer.parseInt(a[1]) : 20;
        Parallel.setThreads(a.length > 2 ? Integer.parseInt(a[2]) : 1);
        Runnable step = kase.equals("resnet20") ? resnet20() : rcnn(kase.equals("maskrcnn"));
        var bean = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // a fixed number of warm-up steps (8–20 s), so two jars time the same sequence of steps:
        // the sampled RoIs, and with them the box and mask heads' work, vary step by step
        int warmUp = kase.equals("resnet20") ? 30 : 8;
        for (int w = 0; w < warmUp; w++) step.run();
        double[] thread = new double[steps];
        long p0 = os.getProcessCpuTime(), w0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long t0 = bean.getCurrentThreadCpuTime();
            step.run();
            thread[s] = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        double process = (os.getProcessCpuTime() - p0) / 1e6 / steps, wall = (System.nanoTime() - w0) / 1e6 / steps;
        Arrays.sort(thread);
        System.out.printf("%s, %d thread(s): thread CPU ms per step min %.1f median %.1f; process CPU %.1f; wall %.1f; load %.2f%n",
                kase, Parallel.threads(), thread[0], thread[steps / 2], process, wall, os.getSystemLoadAverage());
    }

    static Runnable resnet20() {
        Init.seed(0);
        Module m = Architecture.RESNET20.build(10).train(true);
        Sgd opt = new Sgd(m.parameters(), 0.01f, 0.9f, 0f, false);
        Random r = new Random(0);
        Tensor x = Tensor.randn(r, 64, 3, 32, 32);
        float[] y = new float[64];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
        Tensor target = Tensor.of(y, 64);
        return () -> {
            opt.zeroGrad();
            Losses.crossEntropy(m.forward(x), target).backward();
            opt.step();
        };
    }

    static Runnable rcnn(boolean masks) {
        return Benchmarks.rcnnTrainStep(masks).step();
    }
}
