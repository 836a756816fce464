package dev.cvkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Image and category ids from a COCO dataset file, for writing detection results against it:
 * images by file name (the base name, as COCO's file_name usually is), categories by name.
 */
final class CocoGtLookup {
    private final Map<String, Long> imageIds = new HashMap<>();
    private final Map<String, Long> categoryIds = new HashMap<>();

    CocoGtLookup(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new UserError(file + ": malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
                    + " (" + e.getOriginalMessage() + ")", ExitCodes.USAGE);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file (--gt)", ExitCodes.USAGE);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", ExitCodes.USAGE);
        }
        if (root == null || !root.path("images").isArray() || !root.path("categories").isArray()) {
            throw new UserError(file + ": not a COCO dataset (needs \"images\" and \"categories\" arrays)", ExitCodes.USAGE);
        }
        for (JsonNode im : root.get("images")) {
            String name = im.path("file_name").asText("");
            if (name.isEmpty() || !im.path("id").canConvertToLong()) {
                throw new UserError(file + ": an image lacks \"id\" or \"file_name\"", ExitCodes.USAGE);
            }
            imageIds.put(baseName(name), im.get("id").asLong());
        }
        for (JsonNode c : root.get("categories")) {
            if (c.path("id").canConvertToLong() && c.path("name").isTextual()) {
                categoryIds.put(c.get("name").asText(), c.get("id").asLong());
            }
        }
    }

    /** The image id of an input path, or null if the dataset has no image of that file name. */
    Long imageId(String path) {
        return imageIds.get(baseName(path));
    }

    /** The dataset's category id for a class name, or null. */
    Long categoryId(String name) {
        return categoryIds.get(name);
    }

    private static String baseName(String p) {
        int s = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
        return s < 0 ? p : p.substring(s + 1);
    }
}
