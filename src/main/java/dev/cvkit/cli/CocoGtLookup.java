package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Image and category ids from a COCO dataset file (read by {@link CocoDataset}), for writing
 * detection results against it: images by file name (exact, else the unique base name),
 * categories by name.
 */
final class CocoGtLookup {
    private final CocoDataset dataset;
    private final Map<String, Long> categoryIds = new HashMap<>();

    CocoGtLookup(Path file) {
        try {
            dataset = CocoDataset.read(file, false);
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage() + " (--gt)", ExitCodes.USAGE, e);
        }
        for (int k = 0; k < dataset.categoryCount(); k++) {
            categoryIds.put(dataset.categoryName(k), dataset.categoryId(k));
        }
    }

    /** The image id of an input path, or null if the dataset has no image of that file name. */
    Long imageId(String path) {
        int i = dataset.imageByFile(path);
        return i < 0 ? null : dataset.imageId(i);
    }

    /** The dataset's category id for a class name, or null. */
    Long categoryId(String name) {
        return categoryIds.get(name);
    }
}
