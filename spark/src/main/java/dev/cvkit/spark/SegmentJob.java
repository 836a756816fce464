package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.records.SegmentRecords;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.segmentation.InstanceSegmenter;
import dev.cvkit.segmentation.PersonModel;
import dev.cvkit.segmentation.SegmentModels;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SerializableWritable;
import org.apache.spark.broadcast.Broadcast;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cvkit-spark segment}: {@code cvkit segment} over many images, one JSON line per image, and
 * the CLI's --masks and --alpha PNGs under the input's relative path, written by the executors.
 */
@Command(name = "segment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Segment images as 'cvkit segment' does (same models, options, JSON lines and mask files), on Spark.",
            "Semantic models (the person segmenters, an FCN): per image the share of the pixels of each class;",
            "a Mask R-CNN: per image its instances with box, score, class, area and mask (COCO RLE or --polygons)."})
final class SegmentJob implements Callable<Integer> {
    private static final String[] INSTANCE_ONLY = {"--conf", "--iou", "--max-det", "--polygons"};

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "meet",
            description = "meet or selfie (the bundled person segmenters), or a model file of 'cvkit train --task segment' (FCN or Mask R-CNN) "
                    + "or 'cvkit models import', local or on a Hadoop file system (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--masks", paramLabel = "DIR",
            description = "Write the CLI's mask PNGs into this folder (any Hadoop file system), DIR/sub/photo.png for sub/photo.jpg: "
                    + "a palette label map per image, or for a Mask R-CNN a binary PNG per instance, DIR/sub/photo_K.png.")
    String masks;

    @Option(names = "--alpha", paramLabel = "DIR", description = "Semantic models: write soft masks here, 8-bit grey PNG of the foreground probability x 255.")
    String alpha;

    @Option(names = "--conf", paramLabel = "P", description = "Mask R-CNN: minimum score of an instance (default: the model's).")
    Float conf;

    @Option(names = "--iou", paramLabel = "T", description = "Mask R-CNN: per-class NMS IoU threshold (default: the model's).")
    Float iou;

    @Option(names = "--max-det", paramLabel = "N", description = "Mask R-CNN: at most N instances per image (default: the model's).")
    Integer maxDet;

    @Option(names = "--polygons", description = "Mask R-CNN: segmentations as COCO polygons (outer contours) instead of compressed RLE.")
    boolean polygons;

    @Override
    public Integer call() throws Exception {
        PersonModel named = PersonModel.byId(model);
        byte[] bytes = DriverFiles.read(named != null ? DetectorFiles.modelsFolder().resolve(named.fileName()).toString() : model, "--model");
        // load once on the driver too: a bad model or option is a usage error before any task runs
        Path file = DriverFiles.toTempFile(bytes, ".safetensors");
        boolean instance = MaskRcnnSpec.ARCHITECTURE.equals(InstanceModelFile.architecture(file));
        if (instance) {
            if (alpha != null) {
                throw new UserError("--alpha is for semantic models (the person segmenters, FCN); " + model + " is a Mask R-CNN", ExitCodes.USAGE);
            }
            params(InstanceModelFile.read(file), conf, iou, maxDet);
        } else {
            for (String o : INSTANCE_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new UserError(o + " is for instance models (Mask R-CNN); " + model + " is a semantic one", ExitCodes.USAGE);
                }
            }
            SegmentModels.load(file);
        }
        try (Main.Context ctx = main.context("segment", job.master)) {
            Configuration hadoop = ctx.sc().hadoopConfiguration();
            if (masks != null && alpha != null && OutputFiles.qualified(masks, hadoop).equals(OutputFiles.qualified(alpha, hadoop))) {
                throw new UserError("--alpha " + alpha + " is also the --masks folder: their PNGs would replace each other (choose another folder)",
                        ExitCodes.USAGE);
            }
            for (String[] o : new String[][] {{"--masks", masks}, {"--alpha", alpha}}) {
                if (o[1] == null) continue;
                if (OutputFiles.qualified(o[1], hadoop).equals(OutputFiles.qualified(job.output, hadoop))) {
                    throw new UserError(o[0] + " " + o[1] + " is also the --output folder (choose another folder)", ExitCodes.USAGE);
                }
                OutputFiles.checkFolder(o[1], o[0], job.skipDone, hadoop);
            }
            Maker s = new Maker(ctx.sc().broadcast(bytes), DriverFiles.sha256(bytes), instance, conf, iou, maxDet, polygons, masks, alpha,
                    ctx.sc().broadcast(new SerializableWritable<>(hadoop)), job.maxPixels);
            return ImageRun.run(ctx.sc(), job, "segment", s, spec.commandLine().getErr());
        }
    }

    static DetectParams params(InstanceSegmenter seg, Float conf, Float iou, Integer maxDet) {
        DetectParams d = seg.defaults();
        try {
            return new DetectParams(conf != null ? conf : d.conf(), iou != null ? iou : d.iou(), maxDet != null ? maxDet : d.maxDet());
        } catch (IllegalArgumentException e) {
            throw new UserError("--conf/--iou/--max-det: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    /** What the executors build: the segmenter from the broadcast bytes, and the CLI's per-image step. */
    record Maker(Broadcast<byte[]> model, String sha, boolean instance, Float conf, Float iou, Integer maxDet, boolean polygons,
                 String masks, String alpha, Broadcast<SerializableWritable<Configuration>> hadoop, long maxPixels) implements RecordMaker.Spec {
        @Override
        public String key() {
            return "segment " + sha + " " + conf + " " + iou + " " + maxDet + " " + polygons + " " + masks + " " + alpha + " " + maxPixels;
        }

        @Override
        public RecordMaker build() throws Exception {
            Path file = DriverFiles.toTempFile(model.value(), ".safetensors");
            SegmentRecords records;
            if (instance) {
                InstanceSegmenter seg = InstanceModelFile.read(file);
                records = SegmentRecords.instances(seg, params(seg, conf, iou, maxDet), polygons);
            } else {
                records = SegmentRecords.semantic(SegmentModels.load(file));
            }
            return (item, bytes, t0) -> {
                RgbImage img;
                try (Mat m = ImageDecoder.decode(bytes, maxPixels)) {
                    img = RgbImage.fromMat(m);
                }
                SegmentRecords.Result r = records.segment(img, alpha != null);
                Configuration c = hadoop.value().value();
                if (alpha != null) {
                    SegmentRecords.OutputFile f = records.alpha(item.relative(), r);
                    OutputFiles.write(alpha, f.name(), f.bytes(), item, c);
                }
                if (masks != null) {
                    for (SegmentRecords.OutputFile f : records.masks(item.relative(), r)) OutputFiles.write(masks, f.name(), f.bytes(), item, c);
                }
                return records.line(item.given(), r);
            };
        }
    }
}
