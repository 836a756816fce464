import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskHead;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.optim.Adam;
import dev.cvkit.optim.Sgd;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * CPU time per training step of the `cvkit bench` cases train_resnet20 and
 * train_fasterrcnn_r18fpn / train_maskrcnn_r18fpn (same models, inputs and settings), on one
 * engine thread: the calling thread's CPU time (minimum and median over the steps) and the whole
 * process's (adds GC and JIT threads). On a shared machine other jobs stretch wall time but move
 * a thread's CPU time much less, so two builds can be compared by running this with each jar in
 * turn:
 *
 * <pre>java -cp target/cvkit.jar bench/TrainStepCpu.java resnet20|fasterrcnn|maskrcnn [STEPS]</pre>
 */
public class TrainStepCpu {
    public static void main(String[] a) {
        Parallel.setThreads(1);
        String kase = a[0];
        int steps = a.length > 1 ? Integer.parseInt(a[1]) : 20;
        Runnable step = kase.equals("resnet20") ? resnet20() : rcnn(kase.equals("maskrcnn"));
        var bean = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long until = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < until) step.run();
        double[] thread = new double[steps];
        long p0 = os.getProcessCpuTime(), w0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long t0 = bean.getCurrentThreadCpuTime();
            step.run();
            thread[s] = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        double process = (os.getProcessCpuTime() - p0) / 1e6 / steps, wall = (System.nanoTime() - w0) / 1e6 / steps;
        Arrays.sort(thread);
        System.out.printf("%s: thread CPU ms per step min %.1f median %.1f; process CPU %.1f; wall %.1f; load %.2f%n",
                kase, thread[0], thread[steps / 2], process, wall, os.getSystemLoadAverage());
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
        Init.seed(0);
        int classes = 6, n = 8, size = 160;
        MaskHead mh = masks ? new MaskHead(128, new int[] {64, 64, 64, 64}, 14, 64, classes, 1) : null;
        FasterRcnn model = new FasterRcnn(new ResNet18(), 128, new float[] {8, 16, 32, 64, 128}, classes,
                new FasterRcnn.Settings(500, 500, 1000, 1000, 256, 64, 512, 1, new float[] {0.5f, 1f, 2f}), mh);
        model.train(true);
        Adam opt = Adam.adamW(model.parameters(), 1e-4f, 0.01f);
        Random r = new Random(2);
        List<Tensor> images = new ArrayList<>();
        List<float[]> boxes = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        List<Tensor> gtMasks = new ArrayList<>();
        for (int i = 0; i < n; i++) images.add(Tensor.uniform(r, 0f, 1f, 3, size, size));
        for (int i = 0; i < n; i++) {
            float[] b = new float[12];
            int[] l = new int[3];
            float[] m = new float[3 * size * size];
            for (int k = 0; k < 3; k++) {
                b[4 * k] = r.nextFloat() * 100;
                b[4 * k + 1] = r.nextFloat() * 100;
            }
            for (int k = 0; k < 3; k++) {
                b[4 * k + 2] = b[4 * k] + 12 + r.nextFloat() * 45;
                b[4 * k + 3] = b[4 * k + 1] + 12 + r.nextFloat() * 45;
                l[k] = 1 + r.nextInt(classes - 1);
                for (int y = (int) b[4 * k + 1]; y < (int) b[4 * k + 3]; y++) {
                    for (int x = (int) b[4 * k]; x < (int) b[4 * k + 2]; x++) m[(k * size + y) * size + x] = 1f;
                }
            }
            boxes.add(b);
            labels.add(l);
            gtMasks.add(Tensor.of(m, 3, size, size));
        }
        RcnnTransform transform = new RcnnTransform(size, size, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
        SplittableRandom rng = new SplittableRandom(3);
        return () -> {
            opt.zeroGrad();
            RcnnTransform.Batch batch = transform.apply(images, boxes);
            Map<String, Tensor> losses = model.losses(batch.images(), batch.sizes(), batch.boxes(), labels,
                    masks ? gtMasks : null, rng);
            Tensor total = null;
            for (Tensor t : losses.values()) total = total == null ? t : total.add(t);
            total.backward();
            opt.step();
        };
    }

    /** ResNet-18's stem and four stages with BatchNorm trained, as the bench case's backbone. */
    static final class ResNet18 extends Backbone {
        private static final String[] STEM = {"conv1", "bn1", "relu", "maxpool"};

        ResNet18() {
            Module net = Architecture.RESNET18.build(1000);
            for (String name : STEM) child(name, net.children().get(name));
            for (int l = 1; l <= 4; l++) child("layer" + l, net.children().get("layer" + l));
        }

        @Override
        public List<Tensor> levels(Tensor images) {
            Tensor x = images;
            for (String name : STEM) x = children().get(name).forward(x);
            List<Tensor> out = new ArrayList<>();
            for (int l = 1; l <= 4; l++) {
                x = children().get("layer" + l).forward(x);
                out.add(x);
            }
            return out;
        }

        @Override
        public int[] channels() { return new int[] {64, 128, 256, 512}; }
    }
}
