package dev.cvkit.data.segment;

import java.nio.file.Path;
import java.util.List;

/**
 * Images with a label map each, as semantic segmentation trains and scores on them: class 0 is
 * the background, classes 1.. are named by {@link #classes()}, and {@link SemanticSet#IGNORE}
 * marks pixels that count for neither loss nor metric. {@link SemanticSet} rasterises COCO
 * instances; {@code segmentation.LabelMapSet} reads folders of label-map PNGs.
 */
public interface SemanticData {
    /** An image: its file, its name relative to the set, an id, and its size. */
    record Item(Path path, String file, long imageId, int width, int height) {}

    int size();

    List<Item> items();

    /** Class names without the background. */
    List<String> classes();

    /** An id per class of {@link #classes()} (COCO category ids, or the class indices). */
    long[] categoryIds();

    /** The folder the items' files are relative to. */
    Path images();

    /** Where the labels come from (a COCO file or a folder), for messages. */
    String source();

    String describe();

    /** Image {@code i}'s label map, row-major {@code height × width}: class indices, {@link SemanticSet#IGNORE} ignored. */
    byte[] labels(int i);
}
