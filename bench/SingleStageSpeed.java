import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.training.DetectorFamilies;
import dev.cvkit.detection.training.TrainableDetector;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.timing.Lap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Inference img/s of cvkit's single-stage detectors, configured as close to torchvision 0.14's
 * ssd300_vgg16, ssdlite320_mobilenet_v3_large and retinanet_resnet50_fpn as cvkit builds them
 * (bench/single_stage_speed.sh runs it beside bench/single_stage_torchvision.py). Untrained
 * weights, 91 classes (background included where the family has one), the torchvision
 * thresholds; one batch = transform, forward, decoding and NMS. Run from the repository root:
 *
 *   java -cp target/cvkit.jar bench/SingleStageSpeed.java IMAGES_DIR THREADS BATCH SECONDS [MODEL...]
 *
 * Prints one JSON line per model: img/s (median batch), img/s with a score threshold of 1 (no
 * candidates: transform and forward only), process CPU seconds per batch (both), parameters,
 * detections per image.
 */
public class SingleStageSpeed {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]), batch = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        List<String> models = args.length > 4 ? Arrays.asList(args).subList(4, args.length) : List.of("ssd300", "ssdlite320", "retinanet_r50");
        Parallel.setThreads(threads);
        for (String m : models) {
            int side = m.equals("ssd300") ? 300 : 320;
            List<RgbImage> images = new ArrayList<>();
            try (var files = Files.list(dir.resolve(Integer.toString(side)))) {
                for (Path p : files.sorted().toList()) images.add(RgbImage.fromMat(ImageDecoder.read(p, 100_000_000L)));
            }
            images = images.subList(0, batch);
            TrainableDetector det = DetectorFamilies.get(family(m)).fromConfig(config(m, side));
            DetectParams p = m.startsWith("retinanet") ? new DetectParams(0.05f, 0.5f, 300)
                    : m.equals("ssdlite320") ? new DetectParams(0.001f, 0.55f, 300) : new DetectParams(0.01f, 0.45f, 200);
            List<String> names = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (int c = 1; c <= det.classes(); c++) {
                names.add("c" + c);
                ids.add(c);
            }
            BatchDetector d = det.detector(p, names, ids);
            for (int w = 0; w < 3; w++) d.detectAll(images, p, Lap.NONE);
            long[] found = new long[1];
            long c0 = cpuNanos();
            double[] t = time(d, images, p, seconds, found);
            double cpu = (cpuNanos() - c0) / 1e9 / t.length;
            // the same with a score threshold no box passes: forward and transform only, so the difference is decoding and NMS
            DetectParams none = new DetectParams(Math.nextDown(1f), p.iou(), p.maxDet());
            c0 = cpuNanos();
            double[] tf = time(d, images, none, seconds / 2, new long[1]);
            double cpuForward = (cpuNanos() - c0) / 1e9 / tf.length;
            ObjectNode o = JSON.createObjectNode();
            o.put("tool", "cvkit");
            o.put("model", m);
            o.put("threads", threads);
            o.put("batch", batch);
            o.put("side", side);
            o.put("img_per_s", batch / t[t.length / 2]);
            o.put("batches", t.length);
            o.put("img_per_s_without_candidates", batch / tf[tf.length / 2]);
            o.put("cpu_s_per_batch", cpu);
            o.put("cpu_s_per_batch_without_candidates", cpuForward);
            o.put("params", det.network().parameterCount());
            o.put("detections_per_image", (double) found[0] / batch);
            System.out.println(JSON.writeValueAsString(o));
        }
    }

    /** CPU time of the whole process so far (all threads), ns: the measure that survives a loaded machine. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Batch times in seconds, sorted: at least 3 batches and {@code seconds}; {@code found[0]}: the last batch's detections. */
    static double[] time(BatchDetector d, List<RgbImage> images, DetectParams p, double seconds, long[] found) {
        List<Double> times = new ArrayList<>();
        long t0 = System.nanoTime();
        while (times.size() < 3 || (System.nanoTime() - t0) / 1e9 < seconds) {
            long s = System.nanoTime();
            found[0] = d.detectAll(images, p, Lap.NONE).stream().mapToLong(List::size).sum();
            times.add((System.nanoTime() - s) / 1e9);
        }
        return times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    static String family(String m) {
        return m.equals("ssd300") ? "ssd" : m.equals("ssdlite320") ? "ssdlite" : "retinanet";
    }

    /** The model file config of each: torchvision's classes, sizes, candidates; cvkit's layout otherwise. */
    static ObjectNode config(String m, int side) throws Exception {
        String transform = "{\"min_size\":" + side + ",\"max_size\":" + side
                + ",\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]}";
        String cfg = switch (m) {
            case "ssd300" -> "{\"architecture\":\"ssd\",\"backbone\":\"vgg16\",\"extra_channels\":[256,256],"
                    + "\"scales\":[0.07,0.15,0.33,0.51,0.69,0.87],\"aspect_ratios\":[[2],[2,3],[2,3],[2,3],[2]],"
                    + "\"num_classes\":91,\"topk_candidates\":400,\"transform\":" + transform + "}";
            // torchvision builds it with weights_backbone=None, which reduces MobileNet v3's tail (960 → 480 channels)
            case "ssdlite320" -> "{\"architecture\":\"ssdlite\",\"backbone\":\"mobilenet_v3\",\"reduced_tail\":true,"
                    + "\"extra_channels\":[512,256,256,128],\"scales\":[0.2,0.35,0.5,0.65,0.8,0.95,1.0],"
                    + "\"aspect_ratios\":[[2,3],[2,3],[2,3],[2,3],[2,3],[2,3]],"
                    + "\"num_classes\":91,\"topk_candidates\":300,\"transform\":" + transform + "}";
            default -> "{\"architecture\":\"retinanet\",\"backbone\":\"resnet50\",\"fpn_channels\":256,"
                    + "\"anchor_sizes\":[32,64,128,256,512],\"scales_per_octave\":3,\"aspect_ratios\":[0.5,1,2],"
                    + "\"num_classes\":91,\"topk_candidates\":1000,\"head_group_norm\":false,\"transform\":" + transform + "}";
        };
        return (ObjectNode) JSON.readTree(cfg);
    }
}
