package dev.cvkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.records.SegmentRecords;
import dev.cvkit.segmentation.LabelImages;
import dev.cvkit.segmentation.SegmentModels;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvkit segment}: semantic segmentation of every input image, by default with the bundled
 * person segmenter, or with a model trained by cvkit.
 */
@Command(name = "segment",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        sortOptions = false,
        description = {"Segment images semantically: every pixel gets a class. By default the bundled",
            "person segmenter finds the people; --model FILE takes an FCN trained by",
            "'cvkit train --task segment'. Prints each class's share of the pixels per image.",
            "With a Mask R-CNN (--arch mask-rcnn) it finds instances instead: per image their box,",
            "score, class, area and mask (COCO RLE, or --polygons).",
            "INPUT may also be a video file, or an rtsp:// (rtsps://) live stream, read until the server ends it or Ctrl-C:",
            "a record per kept frame (--vid-stride) with its frame index and time."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit segment samples/                      # the people in the sample photos",
                "  cvkit segment photos/ --alpha alpha/          # soft person masks, 8-bit PNG",
                "  cvkit segment photos/ --blur-background --save blurred/",
                "  cvkit segment photos/ --background beach.jpg --save out/",
                "  cvkit segment photos/ --background '#00b140' --save green/",
                "  cvkit segment call.mp4 --blur-background --save out/   # out/call.mp4",
                "  cvkit segment rtsp://camera.local:8554/live --alpha alpha/   # until Ctrl-C",
                "  cvkit segment --model runs/fcn/best.safetensors shapes/val/",
                "  cvkit segment --model fcn.safetensors photos/ --masks masks/ --save out/",
                "  find photos -name '*.jpg' | cvkit segment --model fcn.safetensors -",
                "  cvkit segment --model runs/maskrcnn/best.safetensors shapes/val/ \\",
                "      --coco segm.json --gt shapes/val.json --save out/ --masks inst/",
                "  cvkit eval --gt shapes/val.json --dt segm.json --iou-type segm",
                "",
                "--masks writes palette PNGs (a byte per pixel: the class index, 0 background;",
                "PASCAL VOC's colours), DIR/sub/photo.png for sub/photo.jpg; --alpha grey PNGs",
                "of the foreground probability (0..255). --blur-background and --background",
                "change what --save writes: the image with its background blurred or replaced",
                "(IMAGE scaled to cover it, or a colour: #rrggbb, r,g,b, black, white, grey,",
                "red, green, blue), blended by the soft mask.",
                "",
                "Models: meet (default; MediaPipe Meet segmentation, 144x256 input) and selfie",
                "(MediaPipe selfie segmentation, 256x256), or a model file. Both mark the main",
                "subject of a photo: animals and objects close up are often marked too.",
                "",
                "Videos: --save writes DIR/sub/clip.mp4 (the drawn or edited kept frames; a",
                "stream: DIR/cam_fNNNNNN.jpg per frame); --masks/--alpha write a PNG per kept",
                "frame in a folder named after the whole video file name,",
                "DIR/sub/clip.mp4/f000012.png for frame 12 (Mask R-CNN: f000012_K.png).",
                "",
                "Mask R-CNN: --masks writes one binary PNG per instance (0/255),",
                "DIR/sub/photo_K.png for instance K (0-based, as in its JSON line) of",
                "sub/photo.jpg; --save overlays each instance in its own colour with its",
                "outline, label and score.",
                "",
                "Exit codes: 0 ok; 1 some input failed (the others are still written)",
                "or a bad model file; 2 usage error."})
public final class SegmentCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input;

    @Mixin
    RunOptions run;

    @Option(names = "--model", paramLabel = "NAME|FILE", completionCandidates = Completions.PersonSegmenters.class,
            description = "meet (default) or selfie, the bundled person segmenters, or a model file (best.safetensors of a 'train --task segment' run).")
    String model;

    @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class,
            description = "text (or table), jsonl, json or csv (default: text on a terminal, jsonl in a pipe).")
    OutputFormat format;

    @Option(names = "--masks", paramLabel = "DIR", description = "Write label-map PNGs here (palette PNG, class index per pixel; same relative paths).")
    Path masks;

    @Option(names = "--save", paramLabel = "DIR", description = "Write colour overlays with a legend here (same relative paths).")
    Path save;

    @Option(names = "--alpha", paramLabel = "DIR", description = "Write soft masks here: 8-bit grey PNG, the foreground probability x 255 (same relative paths).")
    Path alpha;

    @Option(names = "--blur-background", description = "--save writes each image with its background blurred (Gaussian, sigma 2%% of the longer side).")
    boolean blurBackground;

    @Option(names = "--background", paramLabel = "IMAGE|COLOR",
            description = "--save writes each image with its background replaced by IMAGE (scaled to cover) or a colour (#rrggbb, r,g,b or a name).")
    String background;

    @Option(names = "--conf", converter = Ranges.Fraction.class, paramLabel = "P",
            description = "Mask R-CNN: minimum score of an instance (default: the model's, 0.5).")
    Float conf;

    @Option(names = "--iou", converter = Ranges.Fraction.class, paramLabel = "T", description = "Mask R-CNN: per-class NMS IoU threshold (default: the model's, 0.5).")
    Float iou;

    @Option(names = "--max-det", converter = Ranges.PositiveInt.class, paramLabel = "N", description = "Mask R-CNN: at most N instances per image (default: the model's, 100).")
    Integer maxDet;

    @Option(names = "--polygons", description = "Mask R-CNN: segmentations as COCO polygons (outer contours) instead of compressed RLE.")
    boolean polygons;

    @Option(names = "--coco", paramLabel = "FILE", description = "Mask R-CNN: also write all instances as COCO results JSON (image_id, category_id, segmentation, score) for 'cvkit eval --iou-type segm'.")
    Path coco;

    @Option(names = "--gt", paramLabel = "DATASET.json", description = "With --coco: take image and category ids from this COCO dataset (default: images numbered 1, 2, ... in input order).")
    Path gt;

    @Option(names = "--vid-stride", converter = Ranges.PositiveInt.class, paramLabel = "N", defaultValue = "1",
            description = "Videos and streams: segment every N-th frame (default: ${DEFAULT-VALUE}); --save writes those frames.")
    int vidStride;

    @Option(names = "--stream-timeout", paramLabel = "S", defaultValue = "10", converter = Ranges.PositiveReal.class,
            description = "rtsp:// streams: give up (exit 1) when the server sends nothing for S seconds, "
                    + "while connecting or later (default: ${DEFAULT-VALUE}).")
    double streamTimeout;

    @Option(names = "--exist-ok", description = "Write into --masks/--save folders that already hold files (default: a new numbered folder, DIR2, DIR3 ...).")
    boolean existOk;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path modelFile = SegmentModels.file(model);
        if (MaskRcnnSpec.ARCHITECTURE.equals(InstanceModelFile.architecture(modelFile))) return InstanceSegmentMode.run(this, modelFile, out, err);
        for (String o : new String[] {"--conf", "--iou", "--max-det", "--polygons", "--coco", "--gt"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                throw new UserError(o + " is for instance models (Mask R-CNN); " + (model == null ? "the person segmenter" : model)
                        + " is a semantic one", ExitCodes.USAGE);
            }
        }
        Backdrop backdrop = backdrop();
        OutputPlan plan = new OutputPlan(input.inputs, DetectCommand.MEDIA, err, run.quiet).reads("--model", modelFile);
        if (backdrop != null && backdrop.file() != null) plan.reads("--background", backdrop.file());
        // PNG masks, soft masks and saved PNG images share names (photo.png): one folder each, checked before any is made
        String[] outOptions = {"--masks", "--save", "--alpha"};
        Path[] folders = {masks, save, alpha};
        for (int a = 0; a < folders.length; a++) {
            for (int b = a + 1; b < folders.length; b++) {
                if (folders[a] != null && folders[b] != null && dev.cvkit.io.RealPaths.of(folders[a]).equals(dev.cvkit.io.RealPaths.of(folders[b]))) {
                    throw new UserError(outOptions[b] + " " + folders[b] + " is also the " + outOptions[a]
                            + " folder: their PNGs would replace each other (choose another folder)", ExitCodes.USAGE);
                }
            }
        }
        masks = plan.folder("--masks", masks, existOk);
        save = plan.folder("--save", save, existOk);
        alpha = plan.folder("--alpha", alpha, existOk);
        SegmentRecords records = SegmentRecords.semantic(SegmentModels.load(modelFile));
        List<String> names = records.names();
        OutputFormat fmt = OutputFormat.resolve(format);
        int threads = run.threadCount();
        dev.cvkit.tensor.Parallel.setThreads(threads);
        var inputs = plan.items(new InputWalker(input.inputs, System.in, DetectCommand.MEDIA));
        ArrayNode all = JSON.createArrayNode();
        if (fmt == OutputFormat.CSV) out.println("file,width,height,class,index,pixels,share");
        if (fmt == OutputFormat.TEXT) out.printf("%-40s %11s  %s%n", "FILE", "SIZE", "CLASSES (share of pixels, background left out)");
        Progress progress = new Progress(err, "segment", run.quiet);
        InputCount.start(input.inputs, DetectCommand.MEDIA, progress);
        boolean soft = alpha != null || backdrop != null;
        SegmentVideo videos = new SegmentVideo(records, soft, masks, alpha, save, (img, r) -> draw(img, r, records, backdrop), this);
        boolean[] streamFailed = {false};
        BatchRunner.Sink<SegmentVideo.Framed> print = (item, f) -> {
            SegmentRecords.Result r = f.r();
            String name = SegmentVideo.name(item.given(), f);
            switch (fmt) {
                case JSONL -> out.println(SegmentVideo.line(records, item.given(), f));
                case JSON -> all.add(SegmentVideo.json(records, item.given(), f));
                case CSV -> {
                    double total = (double) r.width() * r.height();
                    for (int k = 0; k < names.size(); k++) {
                        out.printf(Locale.ROOT, "%s,%d,%d,%s,%d,%d,%.6f%n", csv(name), r.width(), r.height(), csv(names.get(k)), k,
                                r.counts()[k], r.counts()[k] / total);
                    }
                }
                default -> out.printf("%-40s %11s  %s%n", name, r.width() + "×" + r.height(), table(r, names));
            }
            out.flush();
        };
        int code = BatchRunner.run(inputs, threads, videos.task(item -> process(item, records, backdrop)), (item, o) -> {
            if (!SegmentVideo.each(item, o, print, progress, err, run.debug)) streamFailed[0] = true;
        }, progress, err, run.debug);
        if (streamFailed[0]) code = ExitCodes.INPUT_FAILED;
        if (fmt == OutputFormat.JSON) out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        out.flush();
        return code;
    }

    /** What --blur-background or --background puts behind the foreground: blur (no image, no colour), an image or a colour. */
    record Backdrop(Path file, RgbImage image, int[] colour) {}

    /** Checks the background options (exit 2) and reads a --background IMAGE once. */
    private Backdrop backdrop() {
        if (blurBackground && background != null) {
            throw new UserError("--blur-background and --background exclude each other (choose one)", ExitCodes.USAGE);
        }
        if (!blurBackground && background == null) return null;
        String option = blurBackground ? "--blur-background" : "--background";
        if (save == null) throw new UserError(option + " writes the edited images into --save DIR (give --save)", ExitCodes.USAGE);
        if (blurBackground) return new Backdrop(null, null, null);
        int[] colour = dev.cvkit.segmentation.Backgrounds.parseColour(background);
        if (colour != null) return new Backdrop(null, null, colour);
        Path file = Path.of(background);
        if (!Files.isRegularFile(file)) {
            throw new UserError("--background " + background + ": no such image file, and not a colour (#rrggbb, r,g,b, "
                    + String.join(", ", new java.util.TreeSet<>(dev.cvkit.segmentation.Backgrounds.COLOURS.keySet())) + ")", ExitCodes.USAGE);
        }
        try (Mat m = ImageDecoder.read(file, input.maxPixels)) {
            return new Backdrop(file, RgbImage.fromMat(m), null);
        } catch (UserError e) {
            String why = e.getMessage().startsWith("cvkit: ") ? e.getMessage().substring(7) : e.getMessage();
            throw new UserError("--background " + file + ": " + why, e.exitCode());
        }
    }

    private SegmentRecords.Result process(InputItem item, SegmentRecords records, Backdrop backdrop) throws IOException {
        RgbImage img;
        try (Mat m = ImageDecoder.read(item.path(), input.maxPixels)) {
            img = RgbImage.fromMat(m);
        }
        SegmentRecords.Result r = records.segment(img, alpha != null || backdrop != null);
        String relative = item.relative().toString();
        if (alpha != null) write(alpha, records.alpha(relative, r), item.path());
        if (masks != null) {
            for (SegmentRecords.OutputFile f : records.masks(relative, r)) write(masks, f, item.path());
        }
        if (save != null && backdrop != null) {
            Path target = dev.cvkit.image.ImageEncoder.outputPath(save, item.relative());
            try (Mat out = composite(img, r, backdrop).toBgrMat()) {
                dev.cvkit.image.ImageEncoder.write(out, target, item.path());
            }
        } else if (save != null) {
            Path target = dev.cvkit.image.ImageEncoder.outputPath(save, item.relative());
            String name = target.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (!ext.equals("png") && !ext.equals("jpg") && !ext.equals("jpeg")) target = stemPng(save, item.relative());
            refuseInput(target, item.path());
            String out = target.getFileName().toString();
            AtomicFiles.write(target, LabelImages.encode(LabelImages.overlay(img, r.labels(), records.names().subList(1, records.names().size())),
                    out.substring(out.lastIndexOf('.') + 1)));
        }
        return r;
    }

    /** The --save picture of a video frame: the composite with --blur-background/--background, else the overlay. */
    private static Mat draw(RgbImage img, SegmentRecords.Result r, SegmentRecords records, Backdrop backdrop) {
        return backdrop != null ? composite(img, r, backdrop).toBgrMat()
                : SegmentVideo.bgr(LabelImages.overlay(img, r.labels(), records.names().subList(1, records.names().size())));
    }

    private static RgbImage composite(RgbImage img, SegmentRecords.Result r, Backdrop backdrop) {
        RgbImage behind = backdrop.colour() != null ? dev.cvkit.segmentation.Backgrounds.solid(img.width(), img.height(), backdrop.colour())
                : backdrop.image() != null ? dev.cvkit.segmentation.Backgrounds.cover(backdrop.image(), img.width(), img.height())
                : dev.cvkit.segmentation.Backgrounds.blurred(img);
        return dev.cvkit.segmentation.Backgrounds.composite(img, behind, r.alpha());
    }

    /** Writes one of the engine's output files under {@code dir}, never over the input. */
    static void write(Path dir, SegmentRecords.OutputFile f, Path input) throws IOException {
        Path target = dir.resolve(f.name());
        refuseInput(target, input);
        AtomicFiles.write(target, f.bytes());
    }

    /** DIR/sub/photo.png for sub/photo.jpg. */
    static Path stemPng(Path dir, Path relative) {
        String name = relative.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dir.resolve(relative.toString()).resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".png");
    }

    /** {@code input} null: a stream, which no file can be. */
    static void refuseInput(Path target, Path input) throws IOException {
        if (input != null && Files.exists(target) && Files.isSameFile(target, input)) {
            throw new UserError("refusing to overwrite the input image " + input + " (choose another output folder)", ExitCodes.INPUT_FAILED);
        }
    }

    private static String table(SegmentRecords.Result r, List<String> names) {
        double total = (double) r.width() * r.height();
        StringBuilder sb = new StringBuilder();
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int k = 1; k < names.size(); k++) if (r.counts()[k] > 0) order.add(k);
        order.sort((a, b) -> Long.compare(r.counts()[b], r.counts()[a]));
        for (int k : order) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.1f%%", names.get(k), 100 * r.counts()[k] / total));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
