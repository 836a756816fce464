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

    /**
     * The warning lines (or with {@code strict}, the error lines) that say what was left out: one
     * for unknown images and one for unknown categories, each with its counts and the first few names.
     */
    public List<String> lines(String source, String gt, boolean strict) {
        return lines(images.size(), imageResults, images, categories.size(), categoryResults, categories, source, gt, strict);
    }

    /** As {@link #lines(String, String, boolean)}, from counts and a preview of the names (a result set too large to list). */
    public static List<String> lines(long imageCount, long imageResults, List<String> imageNames, long categoryCount, long categoryResults,
                                     List<String> categoryNames, String source, String gt, boolean strict) {
        String kind = strict ? "" : "warning: ";
        String how = strict ? " (--strict)" : "; left out (--strict makes this an error)";
        List<String> out = new java.util.ArrayList<>(2);
        if (imageCount > 0) {
            out.add("cvkit: " + kind + source + ": " + count(imageCount, "image", "images") + " not in " + gt
                    + " (" + count(imageResults, "result", "results") + "): " + preview(imageNames, imageCount) + how);
        }
        if (categoryCount > 0) {
            out.add("cvkit: " + kind + source + ": " + count(categoryResults, "result", "results") + " of "
                    + count(categoryCount, "category", "categories") + " not in " + gt + ": " + preview(categoryNames, categoryCount) + how);
        }
        return out;
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The first few names; a long list would bury the line. */
    private static String preview(List<String> names, long total) {
        List<String> shown = names.size() <= 5 ? names : names.subList(0, 5);
        return String.join(", ", shown) + (total > shown.size() ? ", ... (" + (total - shown.size()) + " more)" : "");
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
