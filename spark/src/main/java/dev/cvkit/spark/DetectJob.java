package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.records.DetectRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.broadcast.Broadcast;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cvkit-spark detect}: {@code cvkit detect} over many images, one JSON line per image. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Detect objects as 'cvkit detect' does (same models, options and JSON lines), on Spark.")
final class DetectJob implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "centernet",
            description = "centernet, nanodet, face, face-ssd, face-tiny or a model file, local or on a Hadoop file system (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--conf", paramLabel = "P", description = "Minimum score (default: the model's).")
    Float conf;

    @Option(names = "--iou", paramLabel = "T", description = "NMS IoU threshold (default: the model's).")
    Float iou;

    @Option(names = "--max-det", paramLabel = "N", description = "At most N detections per image (default: the model's, 100).")
    Integer maxDet;

    @Option(names = "--agnostic", description = "Class-agnostic NMS: overlapping boxes of different classes are suppressed too.")
    boolean agnostic;

    @Option(names = "--imgsz", paramLabel = "PX", description = "Input side for models that resize (a multiple of 32; default: the model's).")
    Integer imgsz;

    @Option(names = "--classes", paramLabel = "NAMES", split = ",", description = "Keep only these classes, e.g. person,dog.")
    List<String> classes;

    @Option(names = "--coco", paramLabel = "FILE", description = "Also merge all results of --output into one COCO results file (on the driver).")
    Path coco;

    @Option(names = "--gt", paramLabel = "DATASET.json", description = "With --coco: take image and category ids from this COCO dataset.")
    Path gt;

    @Override
    public Integer call() throws Exception {
        if (gt != null && coco == null) {
            throw new UserError("--gt only names ids for --coco: give --coco FILE too", ExitCodes.USAGE);
        }
        byte[] bytes = DriverFiles.read(DetectorFiles.NAMES.containsKey(model)
                ? DetectorFiles.modelsFolder().resolve(DetectorFiles.NAMES.get(model)).toString() : model, "--model");
        // load once on the driver too: a bad model, --classes or threshold is a usage error before any task runs
        Detector det = DetectorFiles.load(DriverFiles.toTempFile(bytes, ".safetensors"));
        params(det, conf, iou, maxDet, agnostic, imgsz);
        classFilter(det, classes);
        try (Main.Context ctx = main.context("detect", job.master)) {
            Maker s = new Maker(ctx.sc().broadcast(bytes), DriverFiles.sha256(bytes), conf, iou, maxDet, agnostic, imgsz,
                    classes == null ? null : new ArrayList<>(classes), job.maxPixels);
            int code = ImageRun.run(ctx.sc(), job, "detect", s, spec.commandLine().getErr());
            if (coco != null) {
                CocoMerge.write(ctx.sc(), RunDir.open(job.output, ctx.sc().hadoopConfiguration()), coco, gt, CocoMerge::detections,
                        spec.commandLine().getErr(), job.quiet);
            }
            return code;
        }
    }

    static DetectParams params(Detector det, Float conf, Float iou, Integer maxDet, boolean agnostic, Integer imgsz) {
        if (imgsz != null && !det.resizable()) {
            throw new UserError("--imgsz: this model runs at its fixed input size only", ExitCodes.USAGE);
        }
        DetectParams d = det.defaults();
        try {
            return new DetectParams(conf != null ? conf : d.conf(), iou != null ? iou : d.iou(), maxDet != null ? maxDet : d.maxDet(),
                    agnostic, imgsz != null ? imgsz : 0);
        } catch (IllegalArgumentException e) {
            throw new UserError("--conf/--iou/--max-det/--imgsz: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    static Set<Integer> classFilter(Detector det, List<String> classes) {
        if (classes == null || classes.isEmpty()) {
            return null;
        }
        Set<Integer> keep = new HashSet<>();
        for (String c : classes) {
            int i = det.classes().indexOf(c.trim());
            if (i < 0) {
                throw new UserError("--classes: '" + c.trim() + "' is not a class of this model", ExitCodes.USAGE);
            }
            keep.add(i);
        }
        return keep;
    }

    /** What the executors build: the detector from the broadcast bytes, and the CLI's record maker. */
    record Maker(Broadcast<byte[]> model, String sha, Float conf, Float iou, Integer maxDet, boolean agnostic, Integer imgsz,
                 ArrayList<String> classes, long maxPixels) implements RecordMaker.Spec {
        @Override
        public String key() {
            return "detect " + sha + " " + conf + " " + iou + " " + maxDet + " " + agnostic + " " + imgsz + " " + classes + " " + maxPixels;
        }

        @Override
        public RecordMaker build() throws IOException {
            Detector det = DetectorFiles.load(DriverFiles.toTempFile(model.value(), ".safetensors"));
            DetectRecords records = new DetectRecords(det, params(det, conf, iou, maxDet, agnostic, imgsz), classFilter(det, classes));
            return (item, bytes, t0) -> {
                try (Mat bgr = ImageDecoder.decode(bytes, maxPixels)) {
                    return records.line(item.given(), records.detect(bgr, -1, 0));
                }
            };
        }
    }
}
