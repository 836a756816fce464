import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.cli.BatchRunner;
import dev.cvkit.cli.Progress;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.InputItem;
import dev.cvkit.records.SegmentRecords;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.segmentation.InstanceSegmenter;
import dev.cvkit.segmentation.SegmentModels;
import dev.cvkit.segmentation.SemanticSegmenter;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.tensor.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Inference img/s of cvkit's trained segmenters through the code path of {@code cvkit segment}
 * (bench/segment_speed.sh runs it beside bench/segment_speed_torchvision.py): the model file
 * loaded as segment loads it, the images handed to the command's {@code BatchRunner} on THREADS
 * workers with {@code Parallel.setThreads(THREADS)}, each worker decoding its PNG and calling
 * {@code SegmentRecords.segment} (FCN: labels; Mask R-CNN: instances with their masks cut at 0.5,
 * at score threshold CONF and the file's NMS IoU and count). Printing and writing files are left
 * out. One pass = every PNG in IMAGES_DIR; after warm-up passes for the JIT (at least 3 and
 * SECONDS), img/s = images ÷ median pass time over at least 3 passes and SECONDS. Run from the
 * repository root:
 *
 *   java -cp target/cvkit.jar bench/SegmentSpeed.java IMAGES_DIR THREADS SECONDS CONF fcn=FILE|mask-rcnn=FILE...
 *
 * Prints one JSON line per model: img/s, the process's CPU ms per image, passes, parameters, and what the last pass found (FCN:
 * pixels per class and the first image's scores summed per class; Mask R-CNN: detections per
 * image and mask pixels) to check against torchvision's.
 */
public class SegmentSpeed {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        float conf = Float.parseFloat(args[3]);
        List<InputItem> items = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
                items.add(new InputItem(p.toString(), p, p.getFileName(), null));
            }
        }
        Parallel.setThreads(threads);
        for (String spec : Arrays.asList(args).subList(4, args.length)) {
            String name = spec.substring(0, spec.indexOf('=')), file = spec.substring(spec.indexOf('=') + 1);
            SegmentRecords records;
            SemanticSegmenter fcn = null;
            long params;
            if (name.equals("fcn")) {
                SegmentModels.Loaded m = SegmentModels.load(Path.of(file));
                records = SegmentRecords.semantic(m);
                fcn = m.fcn();
                params = fcn.network().parameterCount();
            } else if (name.equals("mask-rcnn")) {
                InstanceSegmenter seg = InstanceModelFile.read(Path.of(file));
                records = SegmentRecords.instances(seg, new DetectParams(conf, seg.defaults().iou(), seg.defaults().maxDet()), false);
                params = seg.network().parameterCount();
            } else {
                throw new IllegalArgumentException("unknown model " + spec + " (fcn=FILE, mask-rcnn=FILE)");
            }
            List<SegmentRecords.Result> last = new ArrayList<>();
            double[] cpu = new double[1];
            passes(records, items, threads, seconds, last, cpu);
            double[] t = passes(records, items, threads, seconds, last, cpu);
            ObjectNode o = JSON.createObjectNode();
            o.put("tool", "cvkit");
            o.put("model", name);
            o.put("threads", threads);
            o.put("images", items.size());
            o.put("img_per_s", items.size() / t[t.length / 2]);
            o.put("cpu_ms_per_img", cpu[0]);
            o.put("passes", t.length);
            o.put("params", params);
            if (records.isInstance()) {
                long dets = 0, pixels = 0;
                for (SegmentRecords.Result r : last) {
                    dets += r.instances().size();
                    for (InstanceSegmenter.Instance d : r.instances()) pixels += d.area();
                }
                o.put("detections_per_image", (double) dets / items.size());
                o.put("mask_pixels", pixels);
            } else {
                long[] counts = new long[records.names().size()];
                for (SegmentRecords.Result r : last) {
                    for (int k = 0; k < counts.length; k++) counts[k] += r.counts()[k];
                }
                var a = o.putArray("class_pixels");
                for (long c : counts) a.add(c);
                var sums = o.putArray("first_image_score_sums");
                for (double v : scoreSums(fcn, items.get(0).path())) sums.add(v);
            }
            System.out.println(JSON.writeValueAsString(o));
        }
    }

    /** The network's scores for one image, summed per class: a fingerprint to compare with torchvision's (labels can agree by chance). */
    static double[] scoreSums(SemanticSegmenter seg, Path png) throws Exception {
        RgbImage img;
        try (Mat m = ImageDecoder.read(png, 100_000_000L)) {
            img = RgbImage.fromMat(m);
        }
        int side = seg.spec().size();
        Tensor scores;
        try (var g = Tensor.noGrad()) {
            scores = seg.network().forwardScores(SemanticSegmenter.input(img, seg.spec()).reshape(1, 3, side, side)).out();
        }
        int c = scores.size(1), hw = side * side;
        double[] sums = new double[c];
        float[] d = scores.data();
        for (int k = 0; k < c; k++) {
            for (int q = 0; q < hw; q++) sums[k] += d[k * hw + q];
        }
        return sums;
    }

    /**
     * Pass times in seconds, sorted: at least 3 passes and {@code seconds}; {@code last}: the last
     * pass's results; {@code cpu[0]}: the process's CPU ms per image, median over the passes (on a
     * shared machine it does not count the time other processes hold the cores).
     */
    static double[] passes(SegmentRecords records, List<InputItem> items, int threads, double seconds, List<SegmentRecords.Result> last,
                           double[] cpu) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        List<Double> times = new ArrayList<>(), cpuMs = new ArrayList<>();
        PrintWriter err = new PrintWriter(new StringWriter());
        long t0 = System.nanoTime();
        while (times.size() < 3 || (System.nanoTime() - t0) / 1e9 < seconds) {
            last.clear();
            long s = System.nanoTime(), c = os.getProcessCpuTime();
            int code = BatchRunner.run(items.iterator(), threads, item -> {
                RgbImage img;
                try (Mat m = ImageDecoder.read(item.path(), 100_000_000L)) {
                    img = RgbImage.fromMat(m);
                }
                return records.segment(img, false);
            }, (item, r) -> last.add(r), new Progress(err, "segment", true), err, false);
            times.add((System.nanoTime() - s) / 1e9);
            cpuMs.add((os.getProcessCpuTime() - c) / 1e6 / items.size());
            if (code != 0) throw new IllegalStateException("segmenting failed: " + err);
        }
        cpu[0] = cpuMs.stream().mapToDouble(Double::doubleValue).sorted().toArray()[cpuMs.size() / 2];
        return times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
}
