package dev.cvkit.coco;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results that a lenient evaluation left out because the ground truth does not know their image
 * or their category. pycocotools ignores detections of categories it does not evaluate; results
 * for other images are what a detector writes for every photo of a folder. Both are counted so
 * that one warning line can say what was dropped.
 *
 * @param images the unknown images (file names or {@code image_id N}), in file order, each once
 * @param imageResults how many results named those images
 * @param categories the unknown categories ({@code category_id N} or a label), in file order, each once
 * @param categoryResults how many results of known images named those categories
 */
public record LeftOut(List<String> images, int imageResults, List<String> categories, int categoryResults) {
    public static final LeftOut NONE = new LeftOut(List.of(), 0, List.of(), 0);

    public LeftOut {
        images = List.copyOf(images);
        categories = List.copyOf(categories);
    }

    public boolean isEmpty() {
        return images.isEmpty() && categories.isEmpty();
    }

    /** Counts left-out results as they are written (by a command that writes results against a ground truth). */
    public static final class Tally {
        private final Map<String, Integer> images = new LinkedHashMap<>();
        private final Map<String, Integer> categories = new LinkedHashMap<>();

        /** An image the ground truth lacks, with the number of results it would have had. */
        public synchronized void image(String name, int results) {
            images.merge(name, results, Integer::sum);
        }

        /** One result of a category the ground truth lacks. */
        public synchronized void category(String name) {
            categories.merge(name, 1, Integer::sum);
        }

        public synchronized LeftOut result() {
            return new LeftOut(List.copyOf(images.keySet()), images.values().stream().mapToInt(Integer::intValue).sum(),
                    List.copyOf(categories.keySet()), categories.values().stream().mapToInt(Integer::intValue).sum());
        }
    }
}
