package dev.cvkit.segmentation;

import dev.cvkit.UserError;
import dev.cvkit.data.segment.SemanticData;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Semantic segmentation scored as torchvision's references/segmentation does it: one
 * {@link SemanticMetrics} confusion matrix summed over the pixels of all images, target pixels of
 * {@link SemanticSet#IGNORE} left out. Three sources of label maps: a folder of ground-truth PNGs
 * against a folder of predicted PNGs, a COCO instances file (rasterised as {@link SemanticSet})
 * against predicted PNGs, and a model run over a COCO set. An image that cannot be scored (no
 * prediction, another size, an unreadable file, a class the ground truth does not have) is
 * reported to the listener and left out of the matrix.
 */
public final class SemanticEval {
    /** Told of every image: {@code error} is null when it was scored. */
    @FunctionalInterface
    public interface Listener {
        void image(String name, String error);
    }

    /** The summed matrix, the names of its classes (index order, background first), images scored and failed. */
    public record Result(SemanticMetrics metrics, List<String> classes, int images, int failed) {}

    private SemanticEval() {}

    /** {@link #folders(Path, Path, int, long, Listener)} with 255 ignored. */
    public static Result folders(Path gtDir, Path predDir, long maxPixels, Listener listener) throws IOException {
        return folders(gtDir, predDir, SemanticSet.IGNORE, maxPixels, listener);
    }

    /**
     * Every PNG under {@code gtDir} (sorted, recursively) against the PNG at the same relative path
     * under {@code predDir}, ground-truth pixels of value {@code ignore} left out. The classes are 0
     * up to the largest index either side shows; their names are the indices.
     */
    public static Result folders(Path gtDir, Path predDir, int ignore, long maxPixels, Listener listener) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(gtDir)) {
            files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png"))
                    .sorted().toList();
        }
        if (files.isEmpty()) throw new UserError(gtDir + ": no PNG label maps in this folder", 1);
        SemanticMetrics all = new SemanticMetrics(SemanticSet.IGNORE);
        int top = 0, failed = 0;
        for (Path g : files) {
            Path rel = gtDir.relativize(g);
            Path file = predDir.resolve(rel.toString());
            String error;
            try {
                SemanticSegmenter.Labels t = read(g, maxPixels);
                if (ignore != SemanticSet.IGNORE) { // the matrix below leaves out 255: the ignored value becomes it
                    byte[] m = t.map();
                    for (int q = 0; q < m.length; q++) {
                        int v = m[q] & 0xff;
                        if (v == ignore) m[q] = (byte) SemanticSet.IGNORE;
                        else if (v == SemanticSet.IGNORE) throw new IllegalArgumentException(g + ": holds 255, which is no class (at most 255 classes, 0..254) and not the ignore index " + ignore);
                    }
                }
                SemanticSegmenter.Labels p = prediction(file, maxPixels);
                if (p == null) {
                    error = missing(file);
                } else {
                    error = at(file, sizeOrClass(t, p, SemanticSet.IGNORE));
                    if (error == null) {
                        top = Math.max(top, Math.max(maxLabel(t.map()), maxLabel(p.map())));
                        all.add(t.map(), p.map(), SemanticSet.IGNORE);
                    }
                }
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
            if (error != null) failed++;
            listener.image(rel.toString(), error);
        }
        int k = top + 1;
        SemanticMetrics m = new SemanticMetrics(k);
        List<String> names = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            names.add(Integer.toString(t));
            for (int p = 0; p < k; p++) m.add(t, p, all.count(t, p));
        }
        return new Result(m, names, files.size(), failed);
    }

    /**
     * The label maps a COCO instances file implies ({@link SemanticSet#labels}) against the PNGs
     * under {@code predDir} named like each image's file_name with a .png extension (as
     * {@code cvkit segment --masks} writes them).
     */
    public static Result coco(SemanticSet gt, Path predDir, long maxPixels, Listener listener) {
        int k = gt.classes().size() + 1;
        SemanticMetrics m = new SemanticMetrics(k);
        int failed = 0;
        for (int i = 0; i < gt.size(); i++) {
            SemanticSet.Item it = gt.items().get(i);
            Path file = stemPng(predDir, it.file());
            String error;
            try {
                byte[] target = gt.labels(i);
                SemanticSegmenter.Labels t = new SemanticSegmenter.Labels(it.width(), it.height(), target);
                SemanticSegmenter.Labels p = prediction(file, maxPixels);
                error = p == null ? missing(file) : at(file, sizeOrClass(t, p, k));
                if (error == null) m.add(target, p.map(), SemanticSet.IGNORE);
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
            if (error != null) failed++;
            listener.image(it.file(), error);
        }
        return new Result(m, names(gt.classes()), gt.size(), failed);
    }

    /** A segmenter over every image of a COCO set or a label-map folder set, each at its own size. */
    public static Result model(SemanticSegmenter seg, SemanticData data, long maxPixels, Listener listener) {
        if (!seg.classes().equals(data.classes())) {
            throw new UserError(data.source() + ": its categories " + data.classes() + " differ from the model's classes " + seg.classes(), 1);
        }
        SemanticMetrics m = new SemanticMetrics(seg.classes().size() + 1);
        int failed = 0;
        for (int i = 0; i < data.size(); i++) {
            SemanticData.Item it = data.items().get(i);
            String error = null;
            try (Mat mat = ImageDecoder.read(it.path(), maxPixels)) {
                RgbImage img = RgbImage.fromMat(mat);
                if (img.width() != it.width() || img.height() != it.height()) {
                    error = it.path() + ": is " + img.width() + "×" + img.height() + " but the data set says " + it.width() + "×" + it.height();
                } else {
                    m.add(data.labels(i), seg.segment(img).map(), SemanticSet.IGNORE);
                }
            } catch (UserError e) {
                error = e.getMessage().startsWith(it.path().toString()) ? e.getMessage() : it.path() + ": " + e.getMessage();
            }
            if (error != null) failed++;
            listener.image(it.file(), error);
        }
        return new Result(m, names(seg.classes()), data.size(), failed);
    }

    /** DIR/sub/photo.png for sub/photo.jpg. */
    public static Path stemPng(Path dir, String relative) {
        Path rel = Path.of(relative);
        String name = rel.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dir.resolve(relative).resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".png");
    }

    private static List<String> names(List<String> classes) {
        List<String> out = new ArrayList<>();
        out.add("background");
        out.addAll(classes);
        return out;
    }

    /** The predicted label map at {@code file}, or null if there is none. */
    private static SemanticSegmenter.Labels prediction(Path file, long maxPixels) {
        return Files.isRegularFile(file) ? read(file, maxPixels) : null;
    }

    /** A label map; what is wrong with it as an IllegalArgumentException whose message starts with the file. */
    private static SemanticSegmenter.Labels read(Path file, long maxPixels) {
        try {
            return LabelImages.readLabelMap(file, maxPixels);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static String at(Path file, String error) {
        return error == null ? null : file + ": " + error;
    }

    private static String missing(Path file) {
        return file + ": no predicted label map for this image";
    }

    /** What makes a prediction unusable against its target: another size, or a class index of {@code classes} or more. */
    private static String sizeOrClass(SemanticSegmenter.Labels t, SemanticSegmenter.Labels p, int classes) {
        if (t.width() != p.width() || t.height() != p.height()) {
            return "the prediction is " + p.width() + "×" + p.height() + " but the ground truth is " + t.width() + "×" + t.height();
        }
        int top = 0;
        for (byte b : p.map()) top = Math.max(top, b & 0xff);
        if (top >= classes) {
            return "the prediction holds class index " + top + (classes == SemanticSet.IGNORE
                    ? " (255 is the ignore label of the ground truth, not a class)" : " but there are " + classes + " classes (0 background)");
        }
        return null;
    }

    private static int maxLabel(byte[] map) {
        int top = 0;
        for (byte b : map) {
            int v = b & 0xff;
            if (v != SemanticSet.IGNORE) top = Math.max(top, v);
        }
        return top;
    }
}
