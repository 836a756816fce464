package dev.cvkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.segment.SemanticData;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.image.Charts;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.segmentation.LabelMapSet;
import dev.cvkit.segmentation.SemanticEval;
import dev.cvkit.segmentation.SemanticMetrics;
import dev.cvkit.segmentation.SemanticModelFile;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cvkit eval --semantic --gt LABELS_DIR|GT.json --pred MASKS_DIR} and {@code cvkit eval
 * --model FCN --data GT.json}: pixel accuracy, per-class IoU, mIoU and frequency-weighted IoU of
 * one confusion matrix over all pixels ({@link SemanticEval}), as text or {@code --format json}
 * (keys pixel_acc, iou, miou, fwiou), {@code confusion.png} with {@code --plots DIR}, exit 3 when a
 * {@code --min} gate is missed and exit 1 when an image could not be scored.
 */
final class SemanticEvalMode {
    /** Stats a --min gate can name. */
    static final List<String> STATS = List.of("pixel_acc", "miou", "fwiou");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the report shows besides the numbers. */
    record Settings(boolean json, Path plots, Map<String, Double> min, long maxPixels, boolean quiet) {}

    private SemanticEvalMode() {}

    /** Ground-truth label maps (a folder of PNGs, {@code ignore} left out, or a COCO instances file) against a folder of predicted PNGs. */
    static int files(Path gt, Path pred, Path images, int ignore, Settings s, PrintWriter out, PrintWriter err) throws IOException {
        Map<String, Double> gates = gates(s.min());
        if (!Files.exists(gt)) throw new UserError(gt + ": no such file or folder (--gt)", ExitCodes.USAGE);
        if (!Files.isDirectory(pred)) throw new UserError(pred + ": no such folder (--pred: the predicted label maps, as 'cvkit segment --masks' writes them)", ExitCodes.USAGE);
        long t0 = System.nanoTime();
        Progress progress = new Progress(err, "eval", s.quiet());
        SemanticEval.Listener listener = listener(progress, err);
        SemanticEval.Result r;
        if (Files.isDirectory(gt)) {
            if (images != null) throw new UserError("--images goes with a COCO --gt file, not a folder of label maps", ExitCodes.USAGE);
            if (ignore < 0 || ignore > 255) throw new UserError("--ignore-index " + ignore + ": a label value, 0..255", ExitCodes.USAGE);
            r = SemanticEval.folders(gt, pred, ignore, s.maxPixels(), listener);
        } else {
            if (ignore != SemanticSet.IGNORE) {
                throw new UserError("--ignore-index goes with a --gt folder of label maps (a COCO --gt marks crowds and overlaps 255)", ExitCodes.USAGE);
            }
            SemanticSet set = SemanticSet.read(gt, images != null ? images : gt.toAbsolutePath().getParent());
            progress.total(set.size());
            r = SemanticEval.coco(set, pred, s.maxPixels(), listener);
        }
        progress.clearLine();
        return report(r, gt.toString(), pred.toString(), s, gates, t0, out, err);
    }

    /** A semantic model file over a COCO set's images, or over a folder of images with a folder of label maps ({@code labels}). */
    static int model(Path model, Path data, Path images, Path labels, int ignore, int threads, Settings s, PrintWriter out, PrintWriter err)
            throws IOException {
        Map<String, Double> gates = gates(s.min());
        if (labels != null) {
            if (images != null) throw new UserError("--images goes with a COCO --data file; with --labels, --data is the image folder", ExitCodes.USAGE);
        } else if (ignore != SemanticSet.IGNORE) {
            throw new UserError("--ignore-index goes with --labels LABELS_DIR (a COCO --data marks crowds and overlaps 255)", ExitCodes.USAGE);
        } else if (Files.isDirectory(data)) {
            throw new UserError("--data " + data + " is a folder: give its label maps with --labels LABELS_DIR", ExitCodes.USAGE);
        } else if (!Files.isRegularFile(data)) {
            throw new UserError(data + ": no such file (--data: a COCO instances file with segmentations)", ExitCodes.USAGE);
        }
        SemanticSegmenter seg = SemanticModelFile.read(model);
        dev.cvkit.tensor.Parallel.setThreads(threads);
        // a label-map folder names its classes by index: it takes the model's names, checked against its largest index
        SemanticData set = labels != null ? LabelMapSet.read(data, labels, ignore, s.maxPixels()).withClasses(seg.classes())
                : SemanticSet.read(data, images);
        long t0 = System.nanoTime();
        Progress progress = new Progress(err, "eval", s.quiet());
        progress.total(set.size());
        SemanticEval.Result r = SemanticEval.model(seg, set, s.maxPixels(), listener(progress, err));
        progress.clearLine();
        return report(r, data.toString(), model.toString(), s, gates, t0, out, err);
    }

    /** Whether a --model file is a semantic segmentation model (by its config; a damaged file is exit 1). */
    static boolean isSemanticModel(String model) {
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) return false;
        String cfg = dev.cvkit.io.SafeTensors.readMetadata(p).get(dev.cvkit.io.SafeTensors.CONFIG_KEY);
        try {
            return cfg != null && SemanticModelFile.isSemantic(JSON.readTree(cfg));
        } catch (IOException e) {
            return false;
        }
    }

    private static SemanticEval.Listener listener(Progress progress, PrintWriter err) {
        return (file, error) -> {
            if (error != null) {
                progress.clearLine();
                err.println("cvkit: " + error);
                err.flush();
            }
            progress.step(error == null);
        };
    }

    private static int report(SemanticEval.Result r, String gt, String pred, Settings s, Map<String, Double> gates, long t0,
                              PrintWriter out, PrintWriter err) throws IOException {
        SemanticMetrics m = r.metrics();
        if (m.pixels() == 0) {
            throw new UserError(gt + ": no pixel could be scored (" + r.failed() + " of " + r.images() + " images failed)", ExitCodes.INPUT_FAILED);
        }
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("pixel_acc", m.pixelAccuracy());
        stats.put("miou", m.meanIou());
        stats.put("fwiou", m.frequencyWeightedIou());
        out.print(s.json() ? json(r, gt, pred, stats) + "\n" : text(r, stats));
        out.flush();
        if (s.plots() != null) {
            try {
                AtomicFiles.write(s.plots().resolve("confusion.png"), Charts.confusion(r.classes(), m.confusion()));
            } catch (IOException e) {
                throw new UserError(s.plots() + ": cannot write plots (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
            }
        }
        if (!s.quiet()) {
            err.printf(Locale.ROOT, "eval: semantic, %d images%s, %d classes, %d pixels in %.2f s%n", r.images() - r.failed(),
                    r.failed() > 0 ? " (" + r.failed() + " failed)" : "", r.classes().size(), m.pixels(), (System.nanoTime() - t0) / 1e9);
        }
        boolean missed = false;
        for (Map.Entry<String, Double> g : gates.entrySet()) {
            double v = stats.get(g.getKey());
            if (!(v >= g.getValue())) {
                missed = true;
                err.printf(Locale.ROOT, "cvkit: gate failed: %s = %.4f is below the minimum %s%n", g.getKey(), v, g.getValue());
            }
        }
        err.flush();
        if (r.failed() > 0) {
            err.println("cvkit: " + r.failed() + " of " + r.images() + " images failed; the stats leave them out");
            err.flush();
            return ExitCodes.INPUT_FAILED;
        }
        return missed ? ExitCodes.GATE_FAILED : ExitCodes.OK;
    }

    static String text(SemanticEval.Result r, Map<String, Double> stats) {
        SemanticMetrics m = r.metrics();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "pixel accuracy  %.4f%n", stats.get("pixel_acc")));
        sb.append(String.format(Locale.ROOT, "mIoU            %.4f%n", stats.get("miou")));
        sb.append(String.format(Locale.ROOT, "fwIoU           %.4f%n", stats.get("fwiou")));
        sb.append(String.format(Locale.ROOT, "images          %d%n", r.images() - r.failed()));
        sb.append(String.format(Locale.ROOT, "pixels          %d%n", m.pixels()));
        int w = 5;
        for (String c : r.classes()) w = Math.max(w, c.length());
        sb.append(String.format(Locale.ROOT, "%n%-" + w + "s %7s %12s %12s%n", "class", "IoU", "gt pixels", "predicted"));
        double[] iou = m.iou();
        long[][] c = m.confusion();
        for (int k = 0; k < iou.length; k++) {
            long row = 0, col = 0;
            for (int j = 0; j < iou.length; j++) {
                row += c[k][j];
                col += c[j][k];
            }
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %7s %12d %12d%n", r.classes().get(k),
                    Double.isNaN(iou[k]) ? "-" : String.format(Locale.ROOT, "%.4f", iou[k]), row, col));
        }
        return sb.toString();
    }

    static String json(SemanticEval.Result r, String gt, String pred, Map<String, Double> stats) throws IOException {
        SemanticMetrics m = r.metrics();
        ObjectNode o = JSON.createObjectNode();
        o.put("gt", gt);
        o.put("pred", pred);
        o.put("images", r.images() - r.failed());
        o.put("pixels", m.pixels());
        stats.forEach(o::put);
        ObjectNode iou = o.putObject("iou");
        double[] v = m.iou();
        for (int k = 0; k < v.length; k++) {
            if (Double.isNaN(v[k])) iou.putNull(r.classes().get(k));
            else iou.put(r.classes().get(k), v[k]);
        }
        r.classes().forEach(o.putArray("classes")::add);
        ArrayNode conf = o.putArray("confusion");
        for (long[] row : m.confusion()) {
            ArrayNode a = conf.addArray();
            for (long x : row) a.add(x);
        }
        return JSON.writeValueAsString(o);
    }

    private static Map<String, Double> gates(Map<String, Double> min) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : min.entrySet()) {
            String k = e.getKey().trim().toLowerCase(Locale.ROOT).replace("-", "_");
            if (!STATS.contains(k)) {
                throw new UserError("--min: unknown stat '" + e.getKey() + "' (semantic stats: " + String.join(" ", STATS) + ")", ExitCodes.USAGE);
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new UserError("--min " + k + ": the minimum must be a number", ExitCodes.USAGE);
            }
            out.put(k, e.getValue());
        }
        return out;
    }
}
