package dev.cvkit.data.segment;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.coco.Rle;
import dev.cvkit.data.detect.CocoDetectionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A COCO instance data set read as semantic segmentation: each image's label map holds, per
 * pixel, 0 for background, the class index (category index + 1, categories in id order) of the
 * instance covering it, and {@link #IGNORE} where a crowd region lies or where two instances
 * overlap (torchvision's references/segmentation: {@code target[masks.sum(0) > 1] = 255}).
 * Instance masks are pycocotools' ({@link CocoDataset#annotationMask}).
 */
public final class SemanticSet implements SemanticData {
    /** The label of pixels that count for neither loss nor metric. */
    public static final int IGNORE = 255;

    private final CocoDataset gt;
    private final List<String> classes = new ArrayList<>();
    private final long[] categoryIds;
    private final List<Item> items = new ArrayList<>();
    private final int[][] annotations;
    private final Path images;
    private final int withoutMask;

    private SemanticSet(CocoDataset gt, Path images) {
        this.gt = gt;
        this.images = images;
        categoryIds = new long[gt.categoryCount()];
        for (int k = 0; k < categoryIds.length; k++) {
            categoryIds[k] = gt.categoryId(k);
            classes.add(gt.categoryName(k));
        }
        int[] count = new int[gt.imageCount()];
        for (int j = 0; j < gt.annotationCount(); j++) count[gt.annotationImage(j)]++;
        annotations = new int[gt.imageCount()][];
        for (int i = 0; i < count.length; i++) annotations[i] = new int[count[i]];
        int[] at = new int[count.length];
        int missing = 0;
        for (int j = 0; j < gt.annotationCount(); j++) {
            int i = gt.annotationImage(j);
            annotations[i][at[i]++] = j;
            if (gt.annotationMask(j) == null) missing++;
        }
        withoutMask = missing;
        for (int i = 0; i < gt.imageCount(); i++) {
            String name = gt.fileName(i);
            if (name == null) throw new UserError(gt.file() + ": image id " + gt.imageId(i) + " has no file_name", 1);
            if (gt.width(i) <= 0 || gt.height(i) <= 0) {
                throw new UserError(gt.file() + ": image id " + gt.imageId(i) + " has no width/height (label maps need them)", 1);
            }
            items.add(new Item(images.resolve(name), name, gt.imageId(i), gt.width(i), gt.height(i)));
        }
    }

    /**
     * Reads a COCO instances file with its segmentations.
     *
     * @param images the folder the {@code file_name}s are relative to (null: as {@link CocoDetectionReader#defaultFolder})
     */
    public static SemanticSet read(Path json, Path images) {
        CocoDataset gt;
        try {
            gt = CocoDataset.read(json, true);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), 1);
        }
        if (gt.categoryCount() == 0) throw new UserError(json + ": no categories: nothing to segment", 1);
        if (gt.categoryCount() >= IGNORE) throw new UserError(json + ": " + gt.categoryCount() + " categories; label maps hold at most 254", 1);
        Path dir = images != null ? images : CocoDetectionReader.defaultFolder(json, gt);
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": image folder not found (give --images DIR)", 2);
        return new SemanticSet(gt, dir);
    }

    @Override
    public int size() { return items.size(); }

    @Override
    public List<Item> items() { return items; }

    /** Class names without the background. */
    @Override
    public List<String> classes() { return classes; }

    @Override
    public long[] categoryIds() { return categoryIds.clone(); }

    @Override
    public Path images() { return images; }

    @Override
    public String source() { return gt.file(); }

    /** Annotations that have no segmentation (they mark no pixel). */
    public int withoutMask() { return withoutMask; }

    @Override
    public String describe() {
        return items.size() + " images, " + gt.annotationCount() + " instances, " + classes.size() + " classes from " + gt.file();
    }

    /** Image {@code i}'s label map, row-major {@code height × width}, values as {@link SemanticSet} says. */
    @Override
    public byte[] labels(int i) {
        Item it = items.get(i);
        int h = it.height(), w = it.width();
        byte[] out = new byte[h * w];
        byte[] cover = new byte[h * w];
        boolean[] crowd = new boolean[h * w];
        for (int j : annotations[i]) {
            Rle r = gt.annotationMask(j);
            if (r == null) continue;
            if (r.height() != h || r.width() != w) {
                throw new UserError(gt.annotationAt(j) + ": its mask is " + r.width() + "×" + r.height() + " but its image is " + w + "×" + h, 1);
            }
            byte[] m = r.decode(); // column-major, as pycocotools
            boolean isCrowd = gt.annotationCrowd(j);
            byte cls = (byte) (gt.categoryIndex(gt.annotationCategoryId(j)) + 1);
            for (int x = 0, q = 0; x < w; x++) {
                for (int y = 0; y < h; y++, q++) {
                    if (m[q] == 0) continue;
                    int p = y * w + x;
                    if (isCrowd) {
                        crowd[p] = true;
                    } else {
                        if (cover[p] < 2) cover[p]++;
                        out[p] = cls;
                    }
                }
            }
        }
        for (int p = 0; p < out.length; p++) {
            if (crowd[p] || cover[p] > 1) out[p] = (byte) IGNORE;
        }
        return out;
    }
}
