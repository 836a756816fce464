package dev.cvkit.models;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.ops.RoiAlign;
import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskHead;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.nn.Conv;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.optim.Adam;
import dev.cvkit.optim.Sgd;
import dev.cvkit.segmentation.Fcn;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.GemmClock;
import dev.cvkit.tensor.NativeFloats;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The engine's speed cases, with the same names, fields and timing method as the peer script
 * tools/bench/torch_bench.py so the two outputs can be compared line by line: warm-up, an inner loop
 * calibrated to last ≥ minRepSeconds, {@code reps} timed repetitions, median reported.
 */
public final class Benchmarks {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    /** Minimum warm-up time per case, seconds. */
    static final double WARMUP_S = 5.0;
    /** Longest warm-up while waiting for the JIT to settle ({@link #time}), seconds. */
    static final double WARMUP_MAX_S = 45.0;
    /** A window of calls this long (and at least two calls) with little compiling ends the warm-up. */
    static final double JIT_QUIET_S = 1.0;
    private final int threads, reps;
    private final double minRepSeconds;
    private final Consumer<ObjectNode> sink;

    public Benchmarks(int threads, int reps, double minRepSeconds, Consumer<ObjectNode> sink) {
        this.threads = threads;
        this.reps = reps;
        this.minRepSeconds = minRepSeconds;
        this.sink = sink;
    }

    /** Wall seconds per call (median and minimum of the repetitions) and the process's CPU seconds per call (median). */
    private record Timing(double median, double min, int inner, double cpuMedian, double warmup) {}

    private Timing time(Runnable fn, int warmup) {
        return time(fn, warmup, WARMUP_S);
    }

    private Timing time(Runnable fn, int warmup, double warmupSeconds) {
        // torch_bench warms up 2-3 calls; the JVM also needs its JIT to compile the kernels'
        // loops, so keep warming for at least WARMUP_S (a one-off cost in a long run)
        long start = System.nanoTime(), until = start + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() < until; i++) fn.run();
        // then until HotSpot has settled: a training step of the detectors calls so many methods
        // that C2 was still compiling 15–20 s in (steps up to 2× slower than later ones), and a
        // training run lasts minutes, so the steady state is what a user gets. Settled: a window
        // of at least two calls and JIT_QUIET_S in which compiling took < 5 % of the wall time
        // (C2 never stops entirely: a few ms per second go on for minutes)
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            long cap = start + (long) (WARMUP_MAX_S * 1e9);
            long from = System.nanoTime(), compiledFrom = jit.getTotalCompilationTime();
            int calls = 0;
            while (System.nanoTime() < cap) {
                fn.run();
                calls++;
                long now = System.nanoTime(), compiling = jit.getTotalCompilationTime() - compiledFrom;
                if (compiling * 1e6 > 0.05 * (now - from)) {
                    from = now;
                    compiledFrom += compiling;
                    calls = 0;
                } else if (calls >= 2 && now - from >= (long) (JIT_QUIET_S * 1e9)) {
                    break;
                }
            }
        }
        double warmed = (System.nanoTime() - start) / 1e9;
        long t0 = System.nanoTime();
        fn.run();
        double one = (System.nanoTime() - t0) / 1e9;
        int inner = Math.max(1, (int) (minRepSeconds / Math.max(one, 1e-9)));
        double[] times = new double[reps], cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c = processCpuNanos(), s = System.nanoTime();
            for (int i = 0; i < inner; i++) fn.run();
            times[r] = (System.nanoTime() - s) / 1e9 / inner;
            cpu[r] = (processCpuNanos() - c) / 1e9 / inner;
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return new Timing(median(times), sorted[0], inner, median(cpu), warmed);
    }

    private double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * CPU time of the whole process (every engine thread, GC and JIT): on a shared machine other
     * jobs stretch the wall time of a call but not, to first order, the CPU it takes.
     */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0L;
    }

    private ObjectNode record(String kase, Timing t) {
        ObjectNode o = J.objectNode();
        o.put("case", kase);
        return o;
    }

    private void emit(ObjectNode o, Timing t) {
        o.put("median_s", t.median);
        o.put("min_s", t.min);
        o.put("cpu_s", t.cpuMedian);
        o.put("reps", reps);
        o.put("inner_iters", t.inner);
        o.put("warmup_s", round(t.warmup, 1));
        o.put("loadavg1", Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
        o.put("threads", threads);
        o.put("engine", "cvkit");
        // which OpenBLAS kernels ran (the environment may pin them) and which collector
        String core = System.getenv("OPENBLAS_CORETYPE");
        o.put("openblas_coretype", core == null || core.isBlank() ? "auto" : core);
        o.put("jvm_gc", String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).sorted().toList()));
        sink.accept(o);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Runs every case in torch_bench.py's order (sgemm 1024 only, as its --quick). */
    public void runAll() {
        run(null);
    }

    /** Runs the cases whose name starts with {@code only} (all when null). */
    public void run(String only) {
        if (want(only, "sgemm")) sgemm(1024);
        if (want(only, "conv2d")) {
            conv("conv3x3_n32_c64_56_k64", 32, 64, 56, 56, 64, 3, 1, 1);
            conv("conv7x7s2_n1_c3_224_k64", 1, 3, 224, 224, 64, 7, 2, 3);
            conv("conv3x3_n64_c16_32_k32", 64, 16, 32, 32, 32, 3, 1, 0);
        }
        if (want(only, "train_lenet5")) train("train_lenet5", Architecture.LENET5, new int[] {64, 1, 32, 32});
        if (want(only, "train_resnet20")) train("train_resnet20", Architecture.RESNET20, new int[] {64, 3, 32, 32});
        if (want(only, "infer_resnet18")) {
            inferResnet18(1);
            inferResnet18(8);
        }
        if (want(only, "nms")) nms();
        if (want(only, "roi_align")) {
            roiAlign(false);
            roiAlign(true);
        }
        if (want(only, "train_fasterrcnn_r18fpn")) trainRcnn("train_fasterrcnn_r18fpn", false);
        if (want(only, "train_maskrcnn_r18fpn")) trainRcnn("train_maskrcnn_r18fpn", true);
        if (want(only, "infer_fcn_resnet50")) inferFcn();
        if (want(only, "roi_align_backward")) roiAlignBackward();
    }

    private static boolean want(String only, String kase) {
        return only == null || kase.startsWith(only);
    }

    void sgemm(int n) {
        Random r = new Random(0);
        float[] a = Tensor.randn(r, n, n).data(), b = Tensor.randn(r, n, n).data(), c = new float[n * n];
        // one call is single-threaded by design; the case splits C's rows into fixed blocks
        int blocks = 8, rows = n / blocks;
        Gemm g = Gemm.get();
        Timing t = time(() -> dev.cvkit.tensor.Parallel.forEach(blocks, k ->
                g.sgemm(false, false, rows, n, n, 1f, a, k * rows * n, n, b, 0, n, 0f, c, k * rows * n, n)), 2);
        ObjectNode o = record("sgemm", t);
        o.putArray("shape").add(n).add(n).add(n);
        o.put("gflops", round(2.0 * n * n * n / t.median / 1e9, 2));
        emit(o, t);
    }

    void conv(String name, int n, int c, int h, int w, int k, int kk, int s, int p) {
        Random r = new Random(0);
        Tensor x = Tensor.randn(r, n, c, h, w), wt = Tensor.randn(r, k, c, kk, kk), bias = Tensor.randn(r, k);
        int ho = (h + 2 * p - kk) / s + 1, wo = (w + 2 * p - kk) / s + 1;
        double flops = 2.0 * n * k * ho * wo * c * kk * kk;
        Timing t;
        try (var g = Tensor.noGrad()) {
            t = time(() -> Conv.conv2d(x, wt, bias, s, s, p, p, 1, 1, 1), 2);
        }
        ObjectNode o = record("conv2d", t);
        o.put("name", name);
        ObjectNode sh = o.putObject("shape");
        sh.put("N", n).put("C", c).put("H", h).put("W", w).put("K", k).put("kh", kk).put("kw", kk)
                .put("stride", s).put("pad", p).put("Ho", ho).put("Wo", wo);
        o.put("gflops", round(flops / t.median / 1e9, 2));
        // the ceiling of im2col + GEMM: OpenBLAS alone on each image's product (K × Ho·Wo ×
        // C·kh·kw) with its operands already off-heap, images spread over the threads
        int m = k, cols = ho * wo, depth = c * kk * kk;
        NativeFloats a = new NativeFloats().ensureExactly((long) m * depth), b = new NativeFloats().ensureExactly((long) depth * cols);
        float[] wd = wt.data(), xd = x.data();
        a.put(0, wd, 0, m * depth);
        for (int off = 0; off < depth * cols; off += Math.min(xd.length, depth * cols - off)) {
            b.put(off, xd, 0, Math.min(xd.length, depth * cols - off)); // any finite values
        }
        Timing g = time(() -> Parallel.forEach(n, i -> {
            NativeFloats cc = NativeFloats.scratch(2, (long) m * cols);
            Gemm.get().sgemm(false, false, m, cols, depth, 1f, a, 0, depth, b, 0, cols, 0f, cc, 0, cols);
        }), 2, 1.0);
        o.put("gemm_gflops", round(flops / g.median / 1e9, 2));
        emit(o, t);
    }

    void train(String name, Architecture arch, int[] shape) {
        Init.seed(0);
        Module m = arch.build(10).train(true);
        Sgd opt = new Sgd(m.parameters(), 0.01f, 0.9f, 0f, false);
        Random r = new Random(0);
        Tensor x = Tensor.randn(r, shape);
        float[] y = new float[shape[0]];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
        Tensor target = Tensor.of(y, shape[0]);
        Runnable step = () -> {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(m.forward(x), target);
            loss.backward();
            opt.step();
        };
        Timing t = time(step, 3);
        ObjectNode o = record(name, t);
        o.put("batch", shape[0]);
        o.putArray("input").add(shape[1]).add(shape[2]).add(shape[3]);
        o.put("params", m.parameterCount());
        o.put("images_per_s", round(shape[0] / t.median, 1));
        o.put("ms_per_step", round(t.median * 1e3, 3));
        gemmShare(o, step, t.median);
        emit(o, t);
    }

    void inferResnet18(int batch) {
        Init.seed(0);
        Module m = Architecture.RESNET18.build(1000).eval();
        Tensor x = Tensor.randn(new Random(0), batch, 3, 224, 224);
        Timing t;
        Runnable forward = () -> {
            try (var g = Tensor.noGrad()) {
                m.forward(x);
            }
        };
        t = time(forward, 2);
        ObjectNode o = record("infer_resnet18", t);
        o.put("batch", batch);
        o.putArray("input").add(3).add(224).add(224);
        o.put("images_per_s", round(batch / t.median, 2));
        o.put("ms_per_batch", round(t.median * 1e3, 3));
        gemmShare(o, forward, t.median);
        long hwm = peakRssKb();
        if (hwm > 0) o.put("peak_rss_mb_so_far", hwm / 1024);
        emit(o, t);
    }

    /**
     * Where a model case's time goes: a few more calls with {@link GemmClock} on give the time
     * inside OpenBLAS per call (summed over threads, so with one thread it is a share of
     * the wall time) and the rate OpenBLAS reached on the case's own products.
     */
    private static void gemmShare(ObjectNode o, Runnable fn, double medianS) {
        int calls = Math.max(1, Math.min(10, (int) Math.ceil(1.0 / medianS)));
        GemmClock.start();
        for (int i = 0; i < calls; i++) fn.run();
        GemmClock.stop();
        double ms = GemmClock.nanos() / 1e6 / calls;
        o.put("gemm_ms", round(ms, 3));
        o.put("gemm_gflops_achieved", round(GemmClock.flops() / (double) GemmClock.nanos(), 2));
        o.put("gemm_share", round(ms / (medianS * 1e3), 3));
    }

    /**
     * torch_bench.py's rand_boxes: n boxes {@code [x, y, x + w, y + h]}, corner uniform in
     * [0, size − maxWh), sides uniform in [minWh, maxWh); all corners drawn first, then all
     * sides, as there. java.util.Random cannot reproduce torch's generator, so the boxes follow
     * the same distribution, not the same values (hence kept counts may differ slightly).
     */
    static float[] randBoxes(Random r, int n, float size, float minWh, float maxWh) {
        float[] xy = new float[2 * n], b = new float[4 * n];
        for (int i = 0; i < xy.length; i++) xy[i] = r.nextFloat() * (size - maxWh);
        for (int i = 0; i < n; i++) {
            b[4 * i] = xy[2 * i];
            b[4 * i + 1] = xy[2 * i + 1];
        }
        for (int i = 0; i < n; i++) {
            b[4 * i + 2] = b[4 * i] + (minWh + r.nextFloat() * (maxWh - minWh));
            b[4 * i + 3] = b[4 * i + 1] + (minWh + r.nextFloat() * (maxWh - minWh));
        }
        return b;
    }

    /** torchvision.ops.nms on 2000 random boxes in an 800×800 image, IoU 0.5. */
    void nms() {
        Random r = new Random(1);
        float[] boxes = randBoxes(r, 2000, 800f, 8f, 200f);
        float[] scores = new float[2000];
        for (int i = 0; i < scores.length; i++) scores[i] = r.nextFloat();
        int kept = BoxOps.nms(boxes, scores, 0.5).length;
        Timing t = time(() -> BoxOps.nms(boxes, scores, 0.5), 2);
        ObjectNode o = record("nms", t);
        o.put("boxes", 2000);
        o.put("iou_threshold", 0.5);
        o.put("kept", kept);
        o.put("us_per_call", round(t.median * 1e6, 1));
        emit(o, t);
    }

    /**
     * torchvision.ops.roi_align with Faster/Mask R-CNN's settings: features 1×256×50×50 (an
     * 800×800 image at stride 16), 512 random RoIs, output 7×7, sampling ratio 2.
     */
    void roiAlign(boolean aligned) {
        Random r = new Random(2);
        Tensor feat = Tensor.randn(r, 1, 256, 50, 50);
        float[] b = randBoxes(r, 512, 800f, 16f, 400f), rois = new float[512 * 5];
        for (int i = 0; i < 512; i++) System.arraycopy(b, 4 * i, rois, 5 * i + 1, 4); // batch index 0
        Tensor roiT = Tensor.of(rois, 512, 5);
        Timing t;
        try (var g = Tensor.noGrad()) {
            t = time(() -> RoiAlign.apply(feat, roiT, 7, 7, 1 / 16f, 2, aligned), 2);
        }
        ObjectNode o = record("roi_align", t);
        o.putArray("feature").add(1).add(256).add(50).add(50);
        o.put("boxes", 512);
        o.putArray("output").add(7).add(7);
        o.put("spatial_scale", 1 / 16.0);
        o.put("sampling_ratio", 2);
        o.put("aligned", aligned);
        o.put("ms_per_call", round(t.median * 1e3, 3));
        emit(o, t);
    }

    /**
     * One AdamW training step of Faster (or Mask) R-CNN with a ResNet-18 FPN, torch_bench.py's
     * settings (those of train_detect_torchvision.py): BatchNorm trained, FPN 128 channels with
     * a max-pooled P6, anchors 8–128 px × 3 ratios, 500 RPN proposals, 64 RoIs per image, fc
     * width 512, 6 classes, mask head 4 × 64 channels; batch 8 of random 3×160×160 images with
     * 3 random boxes (box-shaped masks) each, normalised by the transform in every step as
     * torchvision's model does. One difference: cvkit's poolers sample 2×2 points per bin
     * (torchvision's default) where the script sets sampling_ratio 1.
     */
    void trainRcnn(String name, boolean masks) {
        RcnnStep s = rcnnTrainStep(masks);
        Runnable step = s.step();
        int n = s.batch(), size = s.size();
        Timing t = time(step, 3);
        ObjectNode o = record(name, t);
        o.put("batch", n);
        o.putArray("input").add(3).add(size).add(size);
        o.put("params", s.parameters());
        o.put("images_per_s", round(n / t.median, 2));
        o.put("ms_per_step", round(t.median * 1e3, 1));
        gemmShare(o, step, t.median);
        emit(o, t);
    }

    /** One training step of a bench R-CNN case, and what its record reports about it. */
    public record RcnnStep(Runnable step, long parameters, int batch, int size) {}

    /**
     * The R-CNN cases' model, fixed batch and AdamW step (see {@link #trainRcnn}); also timed by
     * CPU time in bench/TrainStepCpu.java.
     */
    public static RcnnStep rcnnTrainStep(boolean masks) {
        Init.seed(0);
        int classes = 6, n = 8, size = 160;
        // RoI Align with one sample per bin and axis in both poolers, as the peer script's
        // MultiScaleRoIAlign(..., sampling_ratio=1)
        MaskHead mh = masks ? new MaskHead(128, new int[] {64, 64, 64, 64}, 14, 64, classes, 1) : null;
        FasterRcnn model = new FasterRcnn(new TrainableResNet18(), 128, new float[] {8, 16, 32, 64, 128}, classes,
                new FasterRcnn.Settings(500, 500, 1000, 1000, 256, 64, 512, 1, new float[] {0.5f, 1f, 2f}), mh);
        model.train(true);
        // learning rate 0 (the peer script's too): every step does the same work. While the model
        // learns, the RPN finds more positives and the mask head's RoIs grew from 28 to 60 in 12
        // steps, so a side that warms up longer (the JIT) would time heavier steps
        Adam opt = Adam.adamW(model.parameters(), 0f, 0.01f);
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
        Runnable step = () -> {
            opt.zeroGrad();
            RcnnTransform.Batch batch = transform.apply(images, boxes);
            Map<String, Tensor> losses = model.losses(batch.images(), batch.sizes(), batch.boxes(), labels,
                    masks ? gtMasks : null, rng);
            Tensor total = null;
            for (Tensor t : losses.values()) total = total == null ? t : total.add(t);
            total.backward();
            opt.step();
        };
        return new RcnnStep(step, model.parameterCount(), n, size);
    }

    /**
     * torchvision's resnet18 body as a detection backbone with BatchNorm trained (batch
     * statistics), as torch_bench.py's BackboneWithFPN: stem and layer1–4, four levels.
     */
    private static final class TrainableResNet18 extends Backbone {
        private static final String[] STEM = {"conv1", "bn1", "relu", "maxpool"};

        TrainableResNet18() {
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

    /** torchvision's fcn_resnet50 (random weights, no auxiliary head) on one 3×320×320 image, eval, no gradients. */
    void inferFcn() {
        Init.seed(0);
        Fcn m = new Fcn(Architecture.RESNET50, 21, false);
        m.eval();
        Tensor x = Tensor.randn(new Random(0), 1, 3, 320, 320);
        Runnable forward = () -> {
            try (var g = Tensor.noGrad()) {
                m.forwardScores(x);
            }
        };
        Timing t = time(forward, 2);
        ObjectNode o = record("infer_fcn_resnet50", t);
        o.put("batch", 1);
        o.putArray("input").add(3).add(320).add(320);
        o.put("images_per_s", round(1 / t.median, 2));
        o.put("ms_per_batch", round(t.median * 1e3, 3));
        gemmShare(o, forward, t.median);
        emit(o, t);
    }

    /** roi_align's inputs (not aligned): forward, then backward of a fixed random output gradient into the features. */
    void roiAlignBackward() {
        Random r = new Random(2);
        Tensor feat = Tensor.randn(r, 1, 256, 50, 50).requiresGrad(true);
        float[] b = randBoxes(r, 512, 800f, 16f, 400f), rois = new float[512 * 5];
        for (int i = 0; i < 512; i++) System.arraycopy(b, 4 * i, rois, 5 * i + 1, 4);
        Tensor roiT = Tensor.of(rois, 512, 5);
        float[] seed = Tensor.randn(r, 512, 256, 7, 7).data();
        Timing t = time(() -> {
            feat.zeroGrad();
            RoiAlign.apply(feat, roiT, 7, 7, 1 / 16f, 2, false).backward(seed);
        }, 2);
        ObjectNode o = record("roi_align_backward", t);
        o.putArray("feature").add(1).add(256).add(50).add(50);
        o.put("boxes", 512);
        o.putArray("output").add(7).add(7);
        o.put("spatial_scale", 1 / 16.0);
        o.put("sampling_ratio", 2);
        o.put("aligned", false);
        o.put("ms_per_call", round(t.median * 1e3, 3));
        emit(o, t);
    }

    /** VmHWM of this process (Linux), in kB; −1 elsewhere. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Names of the cases, for --help. */
    public static List<String> caseNames() {
        return new ArrayList<>(List.of("sgemm", "conv2d", "train_lenet5", "train_resnet20", "infer_resnet18", "nms", "roi_align",
                "train_fasterrcnn_r18fpn", "train_maskrcnn_r18fpn", "infer_fcn_resnet50", "roi_align_backward"));
    }
}
