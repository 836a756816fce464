package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.coco.LeftOut;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.detection.YoloLabels;
import dev.cvkit.image.BoxDrawing;
import dev.cvkit.image.ImageEncoder;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.FrameSaver;
import dev.cvkit.image.StridedFrames;
import dev.cvkit.image.VideoFrames;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import dev.cvkit.io.UrlInputs;
import dev.cvkit.records.DetectRecords;
import dev.cvkit.records.DetectRecords.Result;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.StageTimes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit detect}: pretrained object detection over images. */
@Command(name = "detect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Detect objects with a pretrained detector: CenterNet (80 COCO classes) by default, faces with --model face.",
                "INPUT may also be a video file, or an rtsp:// (rtsps://) live stream, read until the server ends it or Ctrl-C."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit detect samples/                # people, dogs, bicycles... as a table",
                "  cvkit detect --model face --blur --save out/ photos/    # anonymise faces",
                "  cvkit detect samples/ --classes person,dog --conf 0.5 --format jsonl",
                "  cvkit detect samples/ --classes 0,16   # the same classes by index",
                "  cvkit detect samples/ --coco dets.json --gt samples/gt.json",
                "  cvkit detect --model face --blur --save out/ --vid-stride 2 clip.mp4",
                "  cvkit detect rtsp://camera.local:8554/live --classes person   # until Ctrl-C",
                "",
                "Models: centernet (default), nanodet, face (= face-ssd, SSD-MobileNetV1),",
                "face-tiny, or a .safetensors model file (see 'cvkit models').",
                "",
                "Exit codes: 0 ok; 1 some input failed (the others are still written)",
                "or a bad model file; 2 usage error."})
public final class DetectCommand implements Callable<Integer> {
    /** Images and video files: the inputs detect and segment take from folders. */
    static final java.util.function.Predicate<Path> MEDIA = p -> InputWalker.isImageName(p) || VideoFrames.isVideoName(p);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    InputOptions input;

    @Mixin
    RunOptions run;

    @Mixin
    TimingOptions timing;

    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "centernet", completionCandidates = Completions.Detectors.class,
            description = "centernet, nanodet, face, face-ssd, face-tiny or a model file (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--conf", converter = Ranges.Fraction.class, paramLabel = "P", description = "Minimum score (default: the model's, e.g. 0.3 CenterNet, 0.35 NanoDet, 0.5 faces).")
    Float conf;

    @Option(names = "--iou", converter = Ranges.Fraction.class, paramLabel = "T", description = "NMS IoU threshold (default: the model's).")
    Float iou;

    @Option(names = "--max-det", converter = Ranges.PositiveInt.class, paramLabel = "N", description = "At most N detections per image (default: the model's, 100).")
    Integer maxDet;

    @Option(names = "--agnostic", description = "Class-agnostic NMS: overlapping boxes of different classes are suppressed too "
            + "(one box per object, with its best class).")
    boolean agnostic;

    @Option(names = "--imgsz", paramLabel = "PX",
            description = "Network input side, a multiple of 32 (default: the model's: 512 CenterNet, 416 NanoDet, 416 face-tiny; face-ssd is fixed at 512).")
    Integer imgsz;

    @Option(names = "--classes", paramLabel = "NAMES", split = ",", completionCandidates = Completions.CocoClassNames.class,
            description = "Keep only these classes, by name or by 0-based index into the model's classes, e.g. person,dog or 0,16.")
    List<String> classes;

    @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class,
            description = "text (or table), jsonl, json or csv (default: text on a terminal, jsonl in a pipe).")
    OutputFormat format;

    @Option(names = "--coco", paramLabel = "FILE", description = "Also write all detections as COCO results JSON.")
    Path coco;

    @Option(names = "--gt", paramLabel = "DATASET.json", description = "With --coco: take image and category ids from this COCO dataset.")
    Path gt;

    @Option(names = "--strict", description = "With --gt: images and classes that --gt lacks are errors (exit 1, all else still written) "
            + "instead of being left out of --coco with one counted warning line each.")
    boolean strict;

    @Option(names = "--save", paramLabel = "DIR", description = "Write annotated images here (same relative paths).")
    Path save;

    @Option(names = "--crop", paramLabel = "DIR", description = "Write one image per detection here.")
    Path crop;

    @Option(names = "--save-txt", paramLabel = "DIR",
            description = "Write YOLO label files here, one DIR/STEM.txt per image (video frames: STEM_fNNNNNN.txt): "
                    + "'class x_center y_center width height' per detection, the class a 0-based index, coordinates as fractions of the image.")
    Path saveTxt;

    @Option(names = "--exist-ok", description = "Write into --save/--crop folders that already hold files (default: a new numbered folder, DIR2, DIR3 ...).")
    boolean existOk;

    @Option(names = "--blur", description = "In --save images, blur each detection instead of drawing it (anonymising).")
    boolean blur;

    @Option(names = "--vid-stride", converter = Ranges.PositiveInt.class, paramLabel = "N", defaultValue = "1",
            description = "Videos and streams: detect on every N-th frame (default: ${DEFAULT-VALUE}); --save writes those frames.")
    int vidStride;

    @Option(names = "--stream-timeout", paramLabel = "S", defaultValue = "10", converter = Ranges.PositiveReal.class,
            description = "rtsp:// streams: give up (exit 1) when the server sends nothing for S seconds, "
                    + "while connecting or later (default: ${DEFAULT-VALUE}).")
    double streamTimeout;

    /**
     * What one input produced: one result for an image, one per processed frame for a video; a
     * live stream's frames instead come from {@code live} as they arrive.
     */
    record Output(boolean video, List<Result> results, LiveStream live) {
        Output(boolean video, List<Result> results) {
            this(video, results, null);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (blur && save == null) {
            throw new UserError("--blur changes the --save images: give --save DIR too", ExitCodes.USAGE);
        }
        if (vidStride < 1) {
            throw new UserError("--vid-stride must be at least 1, got " + vidStride, ExitCodes.USAGE);
        }
        if (gt != null && coco == null) {
            throw new UserError("--gt only names ids for --coco: give --coco FILE too", ExitCodes.USAGE);
        }
        if (strict && gt == null) {
            throw new UserError("--strict checks --coco against --gt: give --gt DATASET.json too", ExitCodes.USAGE);
        }
        OutputPlan plan = new OutputPlan(input.inputs, MEDIA, err, run.quiet).reads("--gt", gt).reads("--model", Path.of(model));
        coco = plan.file("--coco", coco);
        save = plan.folder("--save", save, existOk);
        crop = plan.folder("--crop", crop, existOk);
        saveTxt = plan.folder("--save-txt", saveTxt, existOk);
        Detector det = DetectorFiles.resolve(model);
        if (imgsz != null && !det.resizable()) {
            throw new UserError("--imgsz: " + model + " runs at its fixed input size only", ExitCodes.USAGE);
        }
        DetectRecords records = new DetectRecords(det, params(det.defaults()), classFilter(det));
        CocoGtLookup lookup = gt == null ? null : new CocoGtLookup(gt);
        OutputFormat fmt = OutputFormat.resolve(format);
        int threads = run.threadCount();
        // --threads bounds the kernels' threads too, so --threads 1 really is one core
        dev.cvkit.tensor.Parallel.setThreads(threads);
        var inputs = plan.items(new InputWalker(input.inputs, System.in, MEDIA));
        ArrayNode cocoResults = JSON.createArrayNode();
        ArrayNode jsonAll = JSON.createArrayNode();
        Set<String> warned = new HashSet<>();
        LeftOut.Tally leftOut = new LeftOut.Tally();
        if (fmt == OutputFormat.CSV) {
            out.println("file,width,height,label,category_id,score,x,y,w,h");
        }
        int[] index = {0};
        StageTimes times = new StageTimes();
        Progress progress = new Progress(err, "detect", run.quiet).times(times);
        InputCount.start(input.inputs, MEDIA, progress);
        boolean[] streamFailed = {false};
        BatchRunner.StreamTask<Output> task = item -> UrlInputs.isStream(item.given()) ? openStream(item, records, times)
                : VideoFrames.isVideoName(item.path()) ? processVideo(item, records, times)
                : new Output(false, List.of(process(item, records, times)));
        int code = BatchRunner.run(inputs, threads, task, (item, o) -> {
            index[0]++;
            BatchRunner.Sink<Result> print = (it, r) -> {
                switch (fmt) {
                    case JSONL -> out.println(records.line(it.given(), r, timing.timings));
                    case JSON -> jsonAll.add(records.json(it.given(), r, timing.timings));
                    case CSV -> writeCsv(out, it, r, det);
                    default -> writeTable(out, it, r, timing.timings);
                }
                out.flush();
            };
            for (Result r : o.results()) {
                print.accept(item, r);
            }
            if (o.live() != null) {
                try (LiveStream live = o.live()) {
                    for (Result r; (r = live.next()) != null; ) {
                        print.accept(item, r); // each frame's record as soon as it is known: the stream may never end
                    }
                } catch (UserError | java.io.IOException e) {
                    streamFailed[0] = true; // the records so far stand; the input failed
                    progress.clearLine();
                    BatchRunner.reportFailure(item, e, err, run.debug);
                }
            }
            if (coco != null) {
                if (o.video()) {
                    warned.add("video:" + item.given());
                } else {
                    addCoco(cocoResults, item, o.results().get(0), det, lookup, index[0], leftOut);
                }
            }
        }, progress, err, run.debug);
        if (streamFailed[0]) {
            code = ExitCodes.INPUT_FAILED;
        }
        if (fmt == OutputFormat.JSON) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(jsonAll));
        }
        if (coco != null) {
            AtomicFiles.write(coco, JSON.writeValueAsBytes(cocoResults));
            warnVideos(err, warned);
            int gtCode = LeftOutReport.report(leftOut.result(), coco.toString(), gt, strict, run.quiet, err);
            return code == ExitCodes.OK ? gtCode : code;
        }
        return code;
    }

    private DetectParams params(DetectParams d) {
        try {
            return new DetectParams(conf != null ? conf : d.conf(), iou != null ? iou : d.iou(), maxDet != null ? maxDet : d.maxDet(),
                    agnostic, imgsz != null ? imgsz : 0);
        } catch (IllegalArgumentException e) {
            throw new UserError("--conf/--iou/--max-det/--imgsz: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    private Set<Integer> classFilter(Detector det) {
        if (classes == null || classes.isEmpty()) {
            return null;
        }
        Set<Integer> keep = new HashSet<>();
        for (String c : classes) {
            int i = det.classes().indexOf(c.trim());
            if (i < 0 && c.trim().matches("[0-9]{1,9}")) { // an index, as Ultralytics' --classes takes
                i = Integer.parseInt(c.trim());
                if (i >= det.classes().size()) {
                    throw new UserError("--classes: index " + i + " is out of range: this model has " + det.classes().size()
                            + " classes (0-" + (det.classes().size() - 1) + ")", ExitCodes.USAGE);
                }
            }
            if (i < 0) {
                throw new UserError("--classes: '" + c.trim() + "' is not a class of this model (" + preview(det.classes()) + ")", ExitCodes.USAGE);
            }
            keep.add(i);
        }
        return keep;
    }

    private static String preview(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names) : String.join(", ", names.subList(0, 8)) + ", ...";
    }

    private Result process(InputItem item, DetectRecords records, StageTimes times) throws Exception {
        Lap lap = times.start();
        try (Mat bgr = ImageDecoder.read(item.path(), input.maxPixels)) {
            Result r = records.detect(bgr, -1, 0, lap);
            lap.done();
            List<Detection> found = r.detections();
            String ext = outputExtension(item.path());
            String stem = stripExtension(item.relative().toString());
            crops(bgr, found, stem, ext);
            labels(r, stem);
            if (save != null) {
                annotate(bgr, found);
                Path target = save.resolve(stem + "." + ext);
                if (target.toAbsolutePath().normalize().equals(item.path().toAbsolutePath().normalize())) {
                    throw new UserError("--save would overwrite the input", ExitCodes.INPUT_FAILED);
                }
                AtomicFiles.write(target, ImageEncoder.encode(bgr, ext));
            }
            return r;
        }
    }

    /** Every --vid-stride-th frame of a video; --save writes those frames, annotated, as a video. */
    private Output processVideo(InputItem item, DetectRecords records, StageTimes times) throws Exception {
        List<Result> results = new ArrayList<>();
        String stem = stripExtension(item.relative().toString());
        try (StridedFrames frames = StridedFrames.file(item.path(), input.maxPixels, vidStride, times);
             FrameSaver saver = save == null ? null : FrameSaver.open(save, stem, item.path(), frames)) {
            for (StridedFrames.Frame f; (f = frames.next()) != null; ) {
                results.add(frame(f, records, stem, saver));
            }
            if (saver != null) {
                saver.commit();
            }
        }
        return new Output(true, results);
    }

    /** Detects in one kept frame of a video or stream and writes its --crop, --save-txt and --save outputs. */
    private Result frame(StridedFrames.Frame f, DetectRecords records, String stem, FrameSaver saver) throws java.io.IOException {
        Result r = records.detect(f.bgr(), f.index(), f.time(), f.lap());
        f.lap().done();
        String name = String.format(Locale.ROOT, "%s_f%06d", stem, f.index());
        crops(f.bgr(), r.detections(), name, "jpg");
        labels(r, name);
        if (saver != null) {
            annotate(f.bgr(), r.detections());
            saver.write(f.bgr(), f.index());
        }
        return r;
    }

    /** Connects to an rtsp:// stream (on the worker, so a dead server is that input's failure); its frames are read by the sink. */
    private Output openStream(InputItem item, DetectRecords records, StageTimes times) throws java.io.IOException {
        String stem = stripExtension(item.relative().toString());
        StridedFrames frames = StridedFrames.stream(item.source(), input.maxPixels, streamTimeout, vidStride, times);
        return new Output(true, List.of(), new LiveStream(frames, save == null ? null : FrameSaver.open(save, stem, item.path(), frames),
                records, stem));
    }

    /**
     * A live stream's every --vid-stride-th frame, detected as it arrives; --save writes each as
     * an annotated image ({@link FrameSaver}).
     */
    final class LiveStream implements AutoCloseable {
        private final StridedFrames frames;
        private final FrameSaver saver;
        private final DetectRecords records;
        private final String stem;

        LiveStream(StridedFrames frames, FrameSaver saver, DetectRecords records, String stem) {
            this.frames = frames;
            this.saver = saver;
            this.records = records;
            this.stem = stem;
        }

        /** The next processed frame's result, or null when the server ended the stream. */
        Result next() throws java.io.IOException {
            StridedFrames.Frame f = frames.next();
            return f == null ? null : frame(f, records, stem, saver);
        }

        @Override
        public void close() {
            frames.close();
        }
    }

    private static List<BoxDrawing.Box> boxes(List<Detection> found) {
        List<BoxDrawing.Box> boxes = new ArrayList<>();
        for (Detection d : found) {
            boxes.add(new BoxDrawing.Box(d.x(), d.y(), d.w(), d.h(), String.format(Locale.ROOT, "%s %.2f", d.label(), d.score()), d.classIndex()));
        }
        return boxes;
    }

    /** Draws (or with --blur, blurs) the detections into {@code bgr}. */
    private void annotate(Mat bgr, List<Detection> found) {
        if (blur) {
            BoxDrawing.blur(bgr, boxes(found));
        } else {
            BoxDrawing.draw(bgr, boxes(found));
        }
    }

    /** With --save-txt: the YOLO label file {@code DIR/STEM.txt} (empty when nothing was detected). */
    private void labels(Result r, String stem) throws java.io.IOException {
        if (saveTxt != null) {
            AtomicFiles.write(saveTxt.resolve(stem + ".txt"),
                    YoloLabels.text(r.detections(), r.width(), r.height()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** With --crop: one file per detection, {@code DIR/STEM_I_LABEL.EXT}. */
    private void crops(Mat bgr, List<Detection> found, String stem, String ext) throws java.io.IOException {
        if (crop == null) {
            return;
        }
        List<BoxDrawing.Box> boxes = boxes(found);
        for (int i = 0; i < boxes.size(); i++) {
            try (Mat c = BoxDrawing.crop(bgr, boxes.get(i))) {
                if (c != null) {
                    Path target = crop.resolve(stem + "_" + i + "_" + found.get(i).label().replace(' ', '_') + "." + ext);
                    AtomicFiles.write(target, ImageEncoder.encode(c, ext));
                }
            }
        }
    }

    /** Keep the input's format where OpenCV writes it, else PNG. */
    private static String outputExtension(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp").contains(ext) ? ext : "png";
    }

    private static String stripExtension(String s) {
        int dot = s.lastIndexOf('.');
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        return dot > slash ? s.substring(0, dot) : s;
    }

    private static void writeTable(PrintWriter out, InputItem item, Result r, boolean timings) {
        String name = r.frame() >= 0 ? item.given() + " #" + r.frame() : item.given();
        out.printf(Locale.ROOT, "%s  %d×%d  %d detection%s%s%n", name, r.width(), r.height(),
                r.detections().size(), r.detections().size() == 1 ? "" : "s", timings ? "  " + r.ms() + " ms" : "");
        for (Detection d : r.detections()) {
            out.printf(Locale.ROOT, "  %-14s %5.3f  x %6.1f  y %6.1f  w %6.1f  h %6.1f%n", d.label(), d.score(), d.x(), d.y(), d.w(), d.h());
        }
    }

    /** One row per detection; an image with none gets one row with empty detection fields, so every input is listed. */
    private static void writeCsv(PrintWriter out, InputItem item, Result r, Detector det) {
        String file = csv(r.frame() >= 0 ? item.given() + "#" + r.frame() : item.given());
        if (r.detections().isEmpty()) {
            out.printf(Locale.ROOT, "%s,%d,%d,,,,,,,%n", file, r.width(), r.height());
        }
        for (Detection d : r.detections()) {
            out.printf(Locale.ROOT, "%s,%d,%d,%s,%d,%.5f,%.2f,%.2f,%.2f,%.2f%n", file, r.width(), r.height(), csv(d.label()),
                    det.categoryIds().get(d.classIndex()), d.score(), d.x(), d.y(), d.w(), d.h());
        }
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** One summary line (unless --quiet) for the videos that --coco leaves out. */
    private void warnVideos(PrintWriter err, Set<String> leftOut) {
        if (run.quiet || leftOut.isEmpty()) {
            return;
        }
        List<String> videos = leftOut.stream().filter(k -> k.startsWith("video:")).map(k -> k.substring(6)).sorted().toList();
        if (!videos.isEmpty()) {
            err.println("cvkit: warning: --coco covers images only; left out " + videos.size() + " video(s): " + preview(videos));
        }
    }

    private static void addCoco(ArrayNode results, InputItem item, Result r, Detector det, CocoGtLookup lookup, int index,
                                LeftOut.Tally leftOut) {
        long imageId = index;
        if (lookup != null) {
            Long id = lookup.imageId(item.given());
            if (id == null) {
                leftOut.image(item.given(), r.detections().size());
                return;
            }
            imageId = id;
        }
        for (Detection d : r.detections()) {
            long cat = det.categoryIds().get(d.classIndex());
            if (lookup != null) {
                Long c = lookup.categoryId(d.label());
                if (c == null) {
                    leftOut.category("'" + d.label() + "'");
                    continue;
                }
                cat = c;
            }
            ObjectNode o = results.addObject();
            o.put("image_id", imageId);
            o.put("category_id", cat);
            ArrayNode b = o.putArray("bbox");
            for (double v : d.cocoBox()) b.add(v);
            o.put("score", d.cocoScore());
        }
    }
}
