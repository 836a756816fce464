package dev.cvkit.proposals;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What proposal evaluation needs of a COCO ground truth (read and validated by
 * {@link CocoDataset}): images by id and file name, and each image's non-crowd boxes.
 */
public final class GroundTruth {
    /** One annotated object: category and XYWH box. */
    public record Box(long categoryId, double x, double y, double w, double h) {}

    /** One image: id, file name and its boxes. */
    public record Image(long id, String fileName, List<Box> boxes) {}

    private final CocoDataset dataset;
    private final Map<Long, Image> byId = new LinkedHashMap<>();

    private GroundTruth(CocoDataset dataset) {
        this.dataset = dataset;
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < dataset.imageCount(); i++) {
            Image im = new Image(dataset.imageId(i), dataset.fileName(i), new ArrayList<>());
            images.add(im);
            byId.put(im.id(), im);
        }
        for (int j = 0; j < dataset.annotationCount(); j++) {
            if (dataset.annotationCrowd(j)) {
                continue; // crowds are not objects a proposal should recall
            }
            images.get(dataset.annotationImage(j)).boxes().add(new Box(dataset.annotationCategoryId(j),
                    dataset.annotationBox(j, 0), dataset.annotationBox(j, 1), dataset.annotationBox(j, 2), dataset.annotationBox(j, 3)));
        }
    }

    /** Reads GT.json; a malformed or inconsistent file is a one-line error (exit 1). */
    public static GroundTruth load(Path file) {
        try {
            return new GroundTruth(CocoDataset.read(file, false));
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), 1, e);
        }
    }

    /** The image with this file name (exact, else by base name when unambiguous), or null. */
    public Image byFile(String file) {
        int i = dataset.imageByFile(file);
        return i < 0 ? null : byId.get(dataset.imageId(i));
    }

    public Image byId(long id) { return byId.get(id); }

    public Collection<Image> images() { return byId.values(); }
}
