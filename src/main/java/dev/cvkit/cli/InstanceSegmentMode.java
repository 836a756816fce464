package dev.cvkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.LeftOut;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import dev.cvkit.records.SegmentRecords;
import dev.cvkit.segmentation.InstanceImages;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.segmentation.InstanceRecords;
import dev.cvkit.segmentation.InstanceSegmenter;
import dev.cvkit.segmentation.LabelImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code cvkit segment --model MASK_RCNN_FILE}: instances per image. stdout: per image the
 * detections with bbox, score, category_id, label, area and segmentation (COCO RLE, or polygons
 * with --polygons) as JSON Lines ({@code cvkit eval --dt} reads them), JSON, CSV or a table;
 * {@code --coco FILE} COCO results for segm evaluation; {@code --save DIR} overlays;
 * {@code --masks DIR} one binary PNG per instance, {@code DIR/sub/photo_K.png} for instance K of
 * {@code sub/photo.jpg}. The per-image work is {@link SegmentRecords} (shared with cvkit-spark), {@link InstanceImages}
 * and {@link InstanceRecords}.
 */
final class InstanceSegmentMode {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InstanceSegmentMode() {}

    static int run(SegmentCommand c, Path modelFile, PrintWriter out, PrintWriter err) throws Exception {
        for (String o : new String[] {"--alpha", "--blur-background", "--background"}) {
            if (c.spec.commandLine().getParseResult().hasMatchedOption(o)) {
                throw new UserError(o + " is for semantic models (the person segmenters, FCN); " + modelFile + " is a Mask R-CNN", ExitCodes.USAGE);
            }
        }
        if (c.gt != null && c.coco == null) throw new UserError("--gt only names ids for --coco: give --coco FILE too", ExitCodes.USAGE);
        OutputPlan plan = new OutputPlan(c.input.inputs, DetectCommand.MEDIA, err, c.run.quiet).reads("--model", modelFile).reads("--gt", c.gt);
        Path coco = plan.file("--coco", c.coco);
        Path masks = plan.folder("--masks", c.masks, c.existOk), save = plan.folder("--save", c.save, c.existOk);
        InstanceSegmenter seg = InstanceModelFile.read(modelFile);
        DetectParams params;
        SegmentRecords records;
        try {
            params = new DetectParams(c.conf != null ? c.conf : seg.defaults().conf(), c.iou != null ? c.iou : seg.defaults().iou(),
                    c.maxDet != null ? c.maxDet : seg.defaults().maxDet());
        } catch (IllegalArgumentException e) {
            throw new UserError("--conf/--iou/--max-det: " + e.getMessage(), ExitCodes.USAGE);
        }
        records = SegmentRecords.instances(seg, params, c.polygons);
        CocoGtLookup lookup = c.gt == null ? null : new CocoGtLookup(c.gt);
        OutputFormat fmt = OutputFormat.resolve(c.format);
        int threads = c.run.threadCount();
        dev.cvkit.tensor.Parallel.setThreads(threads);
        var inputs = plan.items(new InputWalker(c.input.inputs, System.in, DetectCommand.MEDIA));
        ArrayNode all = JSON.createArrayNode(), cocoResults = JSON.createArrayNode();
        LeftOut.Tally leftOut = new LeftOut.Tally();
        if (fmt == OutputFormat.CSV) out.println("file,width,height,label,category_id,score,x,y,w,h,area");
        if (fmt == OutputFormat.TEXT) out.printf("%-40s %11s  %s%n", "FILE", "SIZE", "INSTANCES (label score, best first)");
        Progress progress = new Progress(err, "segment", c.run.quiet);
        InputCount.start(c.input.inputs, DetectCommand.MEDIA, progress);
        int[] index = {0};
        boolean polygons = c.polygons;
        List<String> videosLeftOut = new java.util.ArrayList<>();
        boolean[] streamFailed = {false};
        SegmentVideo videos = new SegmentVideo(records, false, masks, null, save,
                (img, r) -> SegmentVideo.bgr(InstanceImages.overlay(img, r.instances())), c);
        BatchRunner.Sink<SegmentVideo.Framed> print = (item, f) -> {
            SegmentRecords.Result r = f.r();
            String name = SegmentVideo.name(item.given(), f);
            switch (fmt) {
                case JSONL -> out.println(SegmentVideo.line(records, item.given(), f));
                case JSON -> all.add(SegmentVideo.json(records, item.given(), f));
                case CSV -> {
                    for (InstanceSegmenter.Instance d : r.instances()) {
                        out.printf(Locale.ROOT, "%s,%d,%d,%s,%d,%.5f,%.2f,%.2f,%.2f,%.2f,%d%n", csv(name), r.width(), r.height(), csv(d.label()),
                                seg.categoryIds().get(d.classIndex()), d.score(), d.x1(), d.y1(), d.x2() - d.x1(), d.y2() - d.y1(), d.area());
                    }
                }
                default -> out.printf("%-40s %11s  %s%n", name, r.width() + "×" + r.height(), table(r));
            }
            out.flush();
        };
        int code = BatchRunner.run(inputs, threads, videos.task(item -> process(item, records, masks, save, c.input.maxPixels)), (item, o) -> {
            index[0]++;
            if (!SegmentVideo.each(item, o, print, progress, err, c.run.debug)) streamFailed[0] = true;
            if (coco != null && o.results().size() == 1 && o.results().get(0).frame() < 0) {
                addCoco(cocoResults, item, o.results().get(0).r(), seg, lookup, index[0], polygons, leftOut);
            } else if (coco != null) {
                videosLeftOut.add(item.given());
            }
        }, progress, err, c.run.debug);
        if (streamFailed[0]) code = ExitCodes.INPUT_FAILED;
        if (fmt == OutputFormat.JSON) out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        out.flush();
        if (coco != null) {
            AtomicFiles.write(coco, JSON.writeValueAsBytes(cocoResults));
            SegmentVideo.warnVideos(err, videosLeftOut, c.run.quiet);
            int gtCode = LeftOutReport.report(leftOut.result(), coco.toString(), c.gt, false, c.run.quiet, err);
            return code == ExitCodes.OK ? gtCode : code;
        }
        return code;
    }

    private static SegmentRecords.Result process(InputItem item, SegmentRecords records, Path masks, Path save, long maxPixels)
            throws IOException {
        RgbImage img;
        try (Mat m = ImageDecoder.read(item.path(), maxPixels)) {
            img = RgbImage.fromMat(m);
        }
        SegmentRecords.Result r = records.segment(img, false);
        if (masks != null) {
            for (SegmentRecords.OutputFile f : records.masks(item.relative().toString(), r)) SegmentCommand.write(masks, f, item.path());
        }
        if (save != null) {
            Path target = dev.cvkit.image.ImageEncoder.outputPath(save, item.relative());
            String name = target.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (!ext.equals("png") && !ext.equals("jpg") && !ext.equals("jpeg")) {
                target = SegmentCommand.stemPng(save, item.relative());
                ext = "png";
            }
            SegmentCommand.refuseInput(target, item.path());
            AtomicFiles.write(target, LabelImages.encode(InstanceImages.overlay(img, r.instances()), ext));
        }
        return r;
    }

    private static void addCoco(ArrayNode results, InputItem item, SegmentRecords.Result r, InstanceSegmenter seg, CocoGtLookup lookup, int index,
                                boolean polygons, LeftOut.Tally leftOut) {
        long imageId = index;
        if (lookup != null) {
            Long id = lookup.imageId(item.given());
            if (id == null) {
                leftOut.image(item.given(), r.instances().size());
                return;
            }
            imageId = id;
        }
        for (InstanceSegmenter.Instance d : r.instances()) {
            long cat = seg.categoryIds().get(d.classIndex());
            if (lookup != null) {
                Long k = lookup.categoryId(d.label());
                if (k == null) {
                    leftOut.category("'" + d.label() + "'");
                    continue;
                }
                cat = k;
            }
            results.add(InstanceRecords.cocoResult(d, imageId, cat, polygons));
        }
    }

    private static String table(SegmentRecords.Result r) {
        if (r.instances().isEmpty()) return "-";
        StringBuilder sb = new StringBuilder(r.instances().size() + ":");
        for (int k = 0; k < Math.min(8, r.instances().size()); k++) {
            InstanceSegmenter.Instance d = r.instances().get(k);
            sb.append(k == 0 ? " " : ", ").append(String.format(Locale.ROOT, "%s %.2f", d.label(), d.score()));
        }
        if (r.instances().size() > 8) sb.append(", …");
        return sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
