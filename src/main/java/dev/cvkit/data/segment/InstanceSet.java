package dev.cvkit.data.segment;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.coco.Polygons;
import dev.cvkit.coco.Rle;
import dev.cvkit.data.detect.CocoDetectionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A COCO instance data set for Mask R-CNN: per image the boxes (x1, y1, x2, y2, clipped to the
 * image), labels (category index + 1, categories in id order) and masks of its instances.
 * Crowd regions and boxes with no area inside the image are left out, as for detection
 * training. Masks are pycocotools' ({@link CocoDataset#annotationMask}); an instance without a
 * segmentation gets its box as mask (counted in {@link #withoutMask()}).
 */
public final class InstanceSet {
    /** An image and its instances; {@code annotations} index the data set's annotations. */
    public record Item(Path path, String file, long imageId, int width, int height, float[] boxes, int[] labels, int[] annotations) {
        public int count() { return labels.length; }
    }

    private final CocoDataset gt;
    private final List<String> classes = new ArrayList<>();
    private final long[] categoryIds;
    private final List<Item> items = new ArrayList<>();
    private final Path images;
    private final int withoutMask, leftOut;

    private InstanceSet(CocoDataset gt, Path images) {
        this.gt = gt;
        this.images = images;
        categoryIds = new long[gt.categoryCount()];
        for (int k = 0; k < categoryIds.length; k++) {
            categoryIds[k] = gt.categoryId(k);
            classes.add(gt.categoryName(k));
        }
        List<List<Integer>> per = new ArrayList<>();
        for (int i = 0; i < gt.imageCount(); i++) per.add(new ArrayList<>());
        int missing = 0, dropped = 0;
        for (int j = 0; j < gt.annotationCount(); j++) {
            if (gt.annotationCrowd(j) || Double.isNaN(gt.annotationBox(j, 0))) {
                dropped++;
                continue;
            }
            per.get(gt.annotationImage(j)).add(j);
            if (gt.annotationMask(j) == null) missing++;
        }
        for (int i = 0; i < gt.imageCount(); i++) {
            String name = gt.fileName(i);
            int w = gt.width(i), h = gt.height(i);
            if (name == null) throw new UserError(gt.file() + ": image id " + gt.imageId(i) + " has no file_name", 1);
            if (w <= 0 || h <= 0) throw new UserError(gt.file() + ": image id " + gt.imageId(i) + " has no width/height (masks need them)", 1);
            List<float[]> boxes = new ArrayList<>();
            List<Integer> kept = new ArrayList<>();
            for (int j : per.get(i)) {
                double x = gt.annotationBox(j, 0), y = gt.annotationBox(j, 1);
                float x1 = (float) Math.max(0, x), y1 = (float) Math.max(0, y);
                float x2 = (float) Math.min(w, x + gt.annotationBox(j, 2)), y2 = (float) Math.min(h, y + gt.annotationBox(j, 3));
                if (!(x2 - x1 >= 1 && y2 - y1 >= 1)) {
                    dropped++;
                    continue;
                }
                boxes.add(new float[] {x1, y1, x2, y2});
                kept.add(j);
            }
            float[] b = new float[boxes.size() * 4];
            int[] l = new int[kept.size()], a = new int[kept.size()];
            for (int k = 0; k < l.length; k++) {
                System.arraycopy(boxes.get(k), 0, b, 4 * k, 4);
                a[k] = kept.get(k);
                l[k] = gt.categoryIndex(gt.annotationCategoryId(a[k])) + 1;
            }
            items.add(new Item(images.resolve(name), name, gt.imageId(i), w, h, b, l, a));
        }
        withoutMask = missing;
        leftOut = dropped;
    }

    /**
     * Reads a COCO instances file with its segmentations.
     *
     * @param images the folder the {@code file_name}s are relative to (null: as {@link CocoDetectionReader#defaultFolder})
     */
    public static InstanceSet read(Path json, Path images) {
        CocoDataset gt;
        try {
            gt = CocoDataset.read(json, true);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), 1);
        }
        if (gt.categoryCount() == 0) throw new UserError(json + ": no categories: nothing to segment", 1);
        Path dir = images != null ? images : CocoDetectionReader.defaultFolder(json, gt);
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": image folder not found (give --images DIR)", 2);
        return new InstanceSet(gt, dir);
    }

    public int size() { return items.size(); }

    public List<Item> items() { return items; }

    /** Class names without the background. */
    public List<String> classes() { return classes; }

    public long[] categoryIds() { return categoryIds.clone(); }

    public Path images() { return images; }

    public CocoDataset dataset() { return gt; }

    /** Instances that have no segmentation (trained with their box as mask). */
    public int withoutMask() { return withoutMask; }

    /** Crowd regions and boxes without area, left out of training. */
    public int leftOut() { return leftOut; }

    public String describe() {
        int n = 0;
        for (Item it : items) n += it.count();
        return items.size() + " images, " + n + " instances, " + classes.size() + " classes from " + gt.file();
    }

    /** Image {@code i}'s instance masks: [count × height × width] row-major, 1 inside. */
    public byte[] masks(int i) {
        Item it = items.get(i);
        int h = it.height(), w = it.width();
        byte[] out = new byte[it.count() * h * w];
        for (int k = 0; k < it.count(); k++) {
            int j = it.annotations()[k];
            Rle r = gt.annotationMask(j);
            if (r == null) {
                r = Polygons.fromBbox(new double[] {gt.annotationBox(j, 0), gt.annotationBox(j, 1), gt.annotationBox(j, 2), gt.annotationBox(j, 3)}, h, w);
            }
            if (r.height() != h || r.width() != w) {
                throw new UserError(gt.annotationAt(j) + ": its mask is " + r.width() + "×" + r.height() + " but its image is " + w + "×" + h, 1);
            }
            byte[] m = r.decode(); // column-major, as pycocotools
            int off = k * h * w;
            for (int x = 0, q = 0; x < w; x++) {
                for (int y = 0; y < h; y++, q++) {
                    if (m[q] != 0) out[off + y * w + x] = 1;
                }
            }
        }
        return out;
    }
}
