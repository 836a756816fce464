package dev.cvkit.segmentation;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.segment.SemanticData;
import dev.cvkit.data.segment.SemanticSet;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.ImageHeader;
import dev.cvkit.io.InputWalker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A folder of images with a folder of label-map PNGs, as PASCAL VOC and Cityscapes ship them: the
 * label of {@code IMAGES/sub/photo.jpg} is {@code LABELS/sub/photo.png}, a one-channel 8-bit PNG
 * (palette or grey) whose values are class indices, 0 the background. Pixels equal to the ignore
 * index count in neither loss nor metric: they read as {@link SemanticSet#IGNORE}.
 *
 * <p>{@link #read} checks every pair before a run starts, so a bad file is one error line (exit 1)
 * and not a failure hours in: a missing label, a label that is not an 8-bit one-channel PNG, one
 * whose size differs from its image's. {@link #withClasses} then checks that no label holds a
 * class index beyond the classes. Classes are named by their index unless a model gives names.
 */
public final class LabelMapSet implements SemanticData {
    private final Path images, labels;
    private final int ignore;
    private final List<Item> items;
    private final List<Path> labelFiles;
    /** The largest class index (ignore index aside) of each label map, -1 if it holds none. */
    private final int[] top;
    private final List<String> classes;

    private LabelMapSet(Path images, Path labels, int ignore, List<Item> items, List<Path> labelFiles, int[] top, List<String> classes) {
        this.images = images;
        this.labels = labels;
        this.ignore = ignore;
        this.items = items;
        this.labelFiles = labelFiles;
        this.top = top;
        this.classes = classes;
    }

    /**
     * Pairs every image under {@code images} (recursively, sorted) with its label map under
     * {@code labels} and checks each pair. The classes are those the labels show (0 up to the
     * largest index) until {@link #withClasses} sets them.
     *
     * @param ignore the label value to ignore, 0..255
     */
    public static LabelMapSet read(Path images, Path labels, int ignore, long maxPixels) {
        if (!Files.isDirectory(images)) throw new UserError(images + ": no such folder (the images of a label-map set)", ExitCodes.USAGE);
        if (!Files.isDirectory(labels)) throw new UserError(labels + ": no such folder (the label maps of " + images + ")", ExitCodes.USAGE);
        if (ignore < 0 || ignore > 255) throw new UserError("--ignore-index " + ignore + ": a label value, 0..255", ExitCodes.USAGE);
        List<Path> files;
        try (Stream<Path> s = Files.walk(images, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            Path inner = labels.toAbsolutePath().normalize();
            // a label folder inside the image folder holds no images
            files = s.filter(p -> Files.isRegularFile(p) && InputWalker.isImageName(p) && !p.toAbsolutePath().normalize().startsWith(inner))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError(images + ": cannot list (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED);
        }
        if (files.isEmpty()) throw new UserError(images + ": no images in this folder", ExitCodes.INPUT_FAILED);
        List<Item> items = new ArrayList<>();
        List<Path> labelFiles = new ArrayList<>();
        int[] top = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path img = files.get(i);
            String rel = images.relativize(img).toString();
            Path label = SemanticEval.stemPng(labels, rel);
            if (!Files.isRegularFile(label)) throw new UserError(label + ": no label map for image " + img, ExitCodes.INPUT_FAILED);
            SemanticSegmenter.Labels l = readLabels(label, maxPixels);
            int[] size = size(img, maxPixels);
            if (size[0] != l.width() || size[1] != l.height()) {
                throw new UserError(label + ": is " + l.width() + "×" + l.height() + " but its image " + img + " is " + size[0] + "×" + size[1],
                        ExitCodes.INPUT_FAILED);
            }
            int t = -1;
            for (byte b : l.map()) {
                int v = b & 0xff;
                if (v != ignore && v > t) t = v;
            }
            top[i] = t;
            items.add(new Item(img, rel, i, l.width(), l.height()));
            labelFiles.add(label);
        }
        int k = 0;
        for (int t : top) k = Math.max(k, t + 1);
        return new LabelMapSet(images, labels, ignore, List.copyOf(items), List.copyOf(labelFiles), top, indexNames(k));
    }

    /** The number of classes the labels show: the largest class index + 1 (0 when every pixel is ignored). */
    public int classesSeen() { return max() + 1; }

    private int max() {
        int k = -1;
        for (int t : top) k = Math.max(k, t);
        return k;
    }

    /** "1", "2", … the names of classes 1..k−1 of a set that names none. */
    public static List<String> indexNames(int k) {
        List<String> out = new ArrayList<>();
        for (int c = 1; c < k; c++) out.add(Integer.toString(c));
        return out;
    }

    /**
     * This set with classes 0 (background) and {@code names}; a label holding a larger index (the
     * ignore index aside) is a bad data file (exit 1) named with the first such file.
     */
    public LabelMapSet withClasses(List<String> names) {
        int k = names.size() + 1;
        for (int i = 0; i < top.length; i++) {
            if (top[i] >= k) {
                throw new UserError(labelFiles.get(i) + ": holds class index " + top[i] + " but there are " + k + " classes (0.." + (k - 1)
                        + "; the ignore index is " + ignore + ")", ExitCodes.INPUT_FAILED);
            }
        }
        return new LabelMapSet(images, labels, ignore, items, labelFiles, top, List.copyOf(names));
    }

    public Path labelsFolder() { return labels; }

    public int ignoreIndex() { return ignore; }

    @Override
    public int size() { return items.size(); }

    @Override
    public List<Item> items() { return items; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public long[] categoryIds() {
        long[] ids = new long[classes.size()];
        for (int c = 0; c < ids.length; c++) ids[c] = c + 1;
        return ids;
    }

    @Override
    public Path images() { return images; }

    @Override
    public String source() { return labels.toString(); }

    @Override
    public String describe() {
        return items.size() + " images, " + (classes.size() + 1) + " classes (0.." + classes.size() + ", ignore " + ignore + ") from " + images
                + " with label maps from " + labels;
    }

    @Override
    public byte[] labels(int i) {
        Item it = items.get(i);
        SemanticSegmenter.Labels l = readLabels(labelFiles.get(i), (long) it.width() * it.height());
        if (l.width() != it.width() || l.height() != it.height()) {
            throw new UserError(labelFiles.get(i) + ": changed since the run started (now " + l.width() + "×" + l.height() + ")", ExitCodes.INPUT_FAILED);
        }
        byte[] map = l.map();
        if (ignore != SemanticSet.IGNORE) {
            for (int q = 0; q < map.length; q++) {
                if ((map[q] & 0xff) == ignore) map[q] = (byte) SemanticSet.IGNORE;
            }
        }
        return map;
    }

    private static SemanticSegmenter.Labels readLabels(Path file, long maxPixels) {
        try {
            return LabelImages.readLabelMap(file, maxPixels);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
    }

    /** An image's width and height: from its header where it says, else decoded. */
    private static int[] size(Path img, long maxPixels) {
        try {
            byte[] head;
            try (var in = Files.newInputStream(img)) {
                head = in.readNBytes(1 << 16);
            }
            ImageHeader h = ImageHeader.sniff(head);
            if ("png".equals(h.format()) || "bmp".equals(h.format()) || "gif".equals(h.format())) return new int[] {h.width(), h.height()};
        } catch (IOException e) {
            throw new UserError(img + ": cannot read (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
        }
        // JPEG and the rest: decoded, so EXIF orientation counts as it does when training
        try (Mat m = ImageDecoder.read(img, maxPixels)) {
            return new int[] {m.cols(), m.rows()};
        } catch (UserError e) {
            throw new UserError(img + ": " + e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
    }
}
