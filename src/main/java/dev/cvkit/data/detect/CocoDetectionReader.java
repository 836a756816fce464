package dev.cvkit.data.detect;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.image.ImageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a COCO detection data set ({@code instances.json} + an image folder) for training:
 * the JSON is validated by {@link CocoDataset} (errors name the file and line), crowd regions
 * are left out (torchvision trains without them), boxes are clipped and degenerate ones
 * dropped. Images keep the file's id order; every category is a class, in id order.
 */
public final class CocoDetectionReader {
    private CocoDetectionReader() {}

    /** The set and what was cleaned on reading. */
    public record Read(DetectionSet set, DetectionSet.Cleaning cleaning, Path images) {}

    /**
     * @param images the folder the {@code file_name}s are relative to (null: the JSON's folder)
     */
    public static Read read(Path json, Path images) {
        CocoDataset gt;
        try {
            gt = CocoDataset.read(json, false);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), 1);
        }
        Path dir = images != null ? images : defaultFolder(json, gt);
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": image folder not found (give --images DIR)", 2);
        if (gt.categoryCount() == 0) throw new UserError(json + ": no categories: nothing to train", 1);
        List<String> classes = new ArrayList<>();
        long[] cats = new long[gt.categoryCount()];
        for (int k = 0; k < cats.length; k++) {
            cats[k] = gt.categoryId(k);
            classes.add(gt.categoryName(k));
        }
        List<List<float[]>> boxes = new ArrayList<>();
        List<List<Integer>> labels = new ArrayList<>();
        for (int i = 0; i < gt.imageCount(); i++) {
            boxes.add(new ArrayList<>());
            labels.add(new ArrayList<>());
        }
        int[][] sizes = new int[gt.imageCount()][];
        BoxCleaner cleaner = new BoxCleaner();
        for (int j = 0; j < gt.annotationCount(); j++) {
            int i = gt.annotationImage(j);
            if (gt.annotationCrowd(j)) {
                cleaner.crowd++;
                continue;
            }
            double x = gt.annotationBox(j, 0), y = gt.annotationBox(j, 1), w = gt.annotationBox(j, 2), h = gt.annotationBox(j, 3);
            if (Double.isNaN(x)) {
                cleaner.degenerate++;
                continue;
            }
            if (sizes[i] == null) sizes[i] = size(gt, i, dir);
            float[] b = cleaner.clean(x, y, x + w, y + h, sizes[i][0], sizes[i][1]);
            if (b == null) continue;
            boxes.get(i).add(b);
            labels.get(i).add(gt.categoryIndex(gt.annotationCategoryId(j)) + 1);
        }
        List<DetectionSet.Item> items = new ArrayList<>();
        for (int i = 0; i < gt.imageCount(); i++) {
            String name = gt.fileName(i);
            if (name == null) throw new UserError(json + ": image id " + gt.imageId(i) + " has no file_name", 1);
            int[] wh = sizes[i] != null ? sizes[i] : new int[] {gt.width(i), gt.height(i)};
            float[] b = new float[boxes.get(i).size() * 4];
            int[] l = new int[b.length / 4];
            for (int k = 0; k < l.length; k++) {
                System.arraycopy(boxes.get(i).get(k), 0, b, 4 * k, 4);
                l[k] = labels.get(i).get(k);
            }
            items.add(new DetectionSet.Item(dir.resolve(name), name, gt.imageId(i), wh[0], wh[1], b, l));
        }
        return new Read(new DetectionSet(json.toString(), classes, cats, items), cleaner.counts(), dir);
    }

    /**
     * The JSON's folder, or its sibling folder named after the JSON ({@code train/} beside
     * {@code train.json}, the layout {@code cvkit data shapes} and the torchvision scripts use)
     * when the first image is there and not beside the JSON.
     */
    public static Path defaultFolder(Path json, CocoDataset gt) {
        Path parent = json.toAbsolutePath().getParent();
        String name = json.getFileName().toString();
        Path sibling = parent.resolve(name.endsWith(".json") ? name.substring(0, name.length() - 5) : name);
        String first = gt.imageCount() > 0 ? gt.fileName(0) : null;
        if (first != null && !Files.exists(parent.resolve(first)) && Files.isRegularFile(sibling.resolve(first))) return sibling;
        return parent;
    }

    /** {width, height}: the JSON's, else the image header's. */
    private static int[] size(CocoDataset gt, int i, Path dir) {
        if (gt.width(i) > 0 && gt.height(i) > 0) return new int[] {gt.width(i), gt.height(i)};
        Path p = dir.resolve(gt.fileName(i) == null ? "" : gt.fileName(i));
        try (InputStream in = Files.newInputStream(p)) {
            ImageHeader h = ImageHeader.sniff(in.readNBytes(1 << 20));
            if (h.width() > 0 && h.height() > 0) return new int[] {h.width(), h.height()};
        } catch (IOException e) {
            throw new UserError(p + ": cannot read (" + e.getMessage() + ")", 1);
        }
        throw new UserError(gt.file() + ": image id " + gt.imageId(i) + " has no width/height and its header does not say", 1);
    }
}
