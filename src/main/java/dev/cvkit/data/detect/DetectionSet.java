package dev.cvkit.data.detect;

import java.nio.file.Path;
import java.util.List;

/**
 * A detection data set in memory: per image its file, size and ground-truth boxes, and the
 * classes. Labels are 1-based indices into {@code classes} (0 is the detectors' background);
 * {@code categoryIds[k]} is the COCO category id of {@code classes[k]}. Boxes are
 * {@code x1, y1, x2, y2} in image pixels, already clipped to the image, degenerate ones dropped
 * and crowd regions left out (see {@link Cleaning}).
 *
 * @param source where it was read from, for messages and run records
 */
public record DetectionSet(String source, List<String> classes, long[] categoryIds, List<Item> items) {
    public DetectionSet {
        classes = List.copyOf(classes);
        categoryIds = categoryIds.clone();
        items = List.copyOf(items);
        if (categoryIds.length != classes.size()) {
            throw new IllegalArgumentException(classes.size() + " classes but " + categoryIds.length + " category ids");
        }
    }

    /**
     * One image.
     *
     * @param file    the name to show and to match ground truth by (COCO's file_name)
     * @param imageId the COCO image id (YOLO sets: 1-based position)
     */
    public record Item(Path path, String file, long imageId, int width, int height, float[] boxes, int[] labels) {
        public int count() { return labels.length; }
    }

    public int size() { return items.size(); }

    public int instances() {
        int n = 0;
        for (Item i : items) n += i.count();
        return n;
    }

    /** One line: images, instances and classes, and the source. */
    public String describe() {
        return size() + " images, " + instances() + " boxes, " + classes.size() + " classes from " + source;
    }

    /** Counts of the boxes fixed or dropped on reading, reported in one warning line. */
    public record Cleaning(int clipped, int degenerate, int crowd) {
        public boolean any() { return clipped + degenerate + crowd > 0; }

        public String describe() {
            return clipped + " boxes clipped to their image, " + degenerate + " degenerate boxes dropped, " + crowd
                    + " crowd regions left out of training";
        }
    }
}
