package dev.cvkit.proposals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.io.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a COCO ground-truth file that proposal evaluation needs: images by id and file
 * name, and the non-crowd boxes of each image with their category.
 */
public final class GroundTruth {
    /** One annotated object: category and XYWH box. */
    public record Box(int categoryId, double x, double y, double w, double h) {}

    /** One image: id, file name and its boxes. */
    public record Image(long id, String fileName, List<Box> boxes) {}

    private final Map<Long, Image> byId = new LinkedHashMap<>();
    private final Map<String, Image> byName = new HashMap<>();
    private final Map<String, Image> byBaseName = new HashMap<>();

    private GroundTruth() {}

    public static GroundTruth load(Path file) {
        JsonNode root = Json.readTree(file);
        if (!root.isObject() || !root.path("images").isArray() || !root.path("annotations").isArray()) {
            throw new UserError(file + ": not a COCO ground-truth file (needs \"images\" and \"annotations\" arrays)");
        }
        GroundTruth gt = new GroundTruth();
        for (JsonNode im : root.get("images")) {
            if (!im.path("id").canConvertToLong()) {
                throw new UserError(file + ": an image has no integer \"id\"");
            }
            long id = im.get("id").asLong();
            String name = im.path("file_name").asText("");
            Image image = new Image(id, name, new ArrayList<>());
            if (gt.byId.put(id, image) != null) {
                throw new UserError(file + ": image id " + id + " appears twice");
            }
            if (!name.isEmpty()) {
                gt.byName.put(name, image);
                gt.byBaseName.merge(baseName(name), image, (a, b) -> null); // ambiguous base names match nothing
            }
        }
        for (JsonNode a : root.get("annotations")) {
            long imageId = a.path("image_id").asLong(Long.MIN_VALUE);
            Image image = gt.byId.get(imageId);
            if (image == null) {
                throw new UserError(file + ": annotation " + a.path("id").asText("?") + " names image id "
                        + a.path("image_id").asText("(none)") + ", which is not in \"images\"");
            }
            JsonNode bb = a.path("bbox");
            if (!bb.isArray() || bb.size() != 4) {
                throw new UserError(file + ": annotation " + a.path("id").asText("?") + " has no [x,y,w,h] \"bbox\"");
            }
            double w = bb.get(2).asDouble();
            double h = bb.get(3).asDouble();
            if (!(w >= 0) || !(h >= 0)) {
                throw new UserError(file + ": annotation " + a.path("id").asText("?") + " has a negative or NaN box size");
            }
            if (a.path("iscrowd").asInt(0) != 0 || a.path("ignore").asInt(0) != 0) {
                continue; // crowds are not objects a proposal should recall
            }
            image.boxes().add(new Box(a.path("category_id").asInt(), bb.get(0).asDouble(), bb.get(1).asDouble(), w, h));
        }
        return gt;
    }

    /** The image with this file name (exact, else by base name when unambiguous), or null. */
    public Image byFile(String file) {
        Image im = byName.get(file);
        if (im == null) {
            im = byName.get(file.replace('\\', '/'));
        }
        return im != null ? im : byBaseName.get(baseName(file));
    }

    public Image byId(long id) { return byId.get(id); }

    public java.util.Collection<Image> images() { return byId.values(); }

    private static String baseName(String f) {
        String s = f.replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
