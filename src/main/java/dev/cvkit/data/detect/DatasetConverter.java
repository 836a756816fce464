package dev.cvkit.data.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Converts detection sets between COCO JSON and Ultralytics YOLO folders. Boxes go through
 * normalised centre/size with 9 decimals, so a round trip keeps them within 1e-3 px for images
 * up to 100,000 pixels; class names and their order are kept (YOLO class k is the k-th
 * category by id; going back, category ids are k + 1). Crowd regions have no YOLO form and are
 * left out (counted with the clipped and dropped boxes).
 */
public final class DatasetConverter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private DatasetConverter() {}

    /**
     * COCO → YOLO: copies the images into {@code OUT/images/SPLIT/} (keeping relative paths),
     * writes a label file per image into {@code OUT/labels/SPLIT/} and adds the split to
     * {@code OUT/data.yaml} (created, or extended when converting a second split).
     *
     * @return what was cleaned on the way
     */
    public static DetectionSet.Cleaning cocoToYolo(Path json, Path images, Path out, String split) throws IOException {
        CocoDetectionReader.Read r = CocoDetectionReader.read(json, images);
        DetectionSet s = r.set();
        Path imgDir = out.resolve("images").resolve(split), lblDir = out.resolve("labels").resolve(split);
        ObjectNode yaml = readYaml(out.resolve("data.yaml"));
        if (yaml.has("names")) {
            java.util.List<String> had = new java.util.ArrayList<>();
            yaml.get("names").forEach(n -> had.add(n.asText()));
            if (!had.equals(s.classes())) {
                throw new UserError(out.resolve("data.yaml") + ": has classes " + had + ", not " + s.classes() + " (convert into another --out)",
                        ExitCodes.USAGE);
            }
        }
        if (Files.exists(imgDir)) throw new UserError(imgDir + ": exists; refusing to overwrite a converted split", ExitCodes.USAGE);
        for (DetectionSet.Item it : s.items()) {
            Path dst = imgDir.resolve(it.file()).normalize();
            if (!dst.startsWith(imgDir)) throw new UserError(json + ": file_name '" + it.file() + "' leaves the image folder", 1);
            Files.createDirectories(dst.getParent());
            AtomicFiles.write(dst, Files.readAllBytes(it.path()));
            StringBuilder sb = new StringBuilder();
            float[] b = it.boxes();
            for (int k = 0; k < it.count(); k++) {
                double w = b[4 * k + 2] - b[4 * k], h = b[4 * k + 3] - b[4 * k + 1];
                sb.append(String.format(Locale.ROOT, "%d %.9f %.9f %.9f %.9f%n", it.labels()[k] - 1, (b[4 * k] + w / 2) / it.width(),
                        (b[4 * k + 1] + h / 2) / it.height(), w / it.width(), h / it.height()));
            }
            Path lbl = YoloDetectionReader.labelFile(dst);
            Files.createDirectories(lbl.getParent());
            AtomicFiles.write(lbl, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        yaml.put("path", ".");
        yaml.put(split, "images/" + split);
        ArrayNode names = yaml.putArray("names");
        s.classes().forEach(names::add);
        yaml.put("nc", s.classes().size());
        AtomicFiles.write(out.resolve("data.yaml"), YAML.writeValueAsString(yaml).getBytes(StandardCharsets.UTF_8));
        return r.cleaning();
    }

    /** YOLO → COCO: the split's images (file names relative to its image folder) and boxes as a COCO ground-truth file. */
    public static DetectionSet.Cleaning yoloToCoco(Path yaml, String split, Path outJson) throws IOException {
        CocoDetectionReader.Read r = YoloDetectionReader.read(yaml, split);
        AtomicFiles.write(outJson, JSON.writeValueAsString(toCoco(r.set())).getBytes(StandardCharsets.UTF_8));
        return r.cleaning();
    }

    /** A detection set as a COCO ground-truth tree (boxes [x, y, w, h], area w·h). */
    public static ObjectNode toCoco(DetectionSet s) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("info").put("description", "converted by cvkit from " + s.source());
        ArrayNode images = root.putArray("images"), anns = root.putArray("annotations"), cats = root.putArray("categories");
        int id = 0;
        for (DetectionSet.Item it : s.items()) {
            ObjectNode im = images.addObject();
            im.put("id", it.imageId());
            im.put("file_name", it.file());
            im.put("width", it.width());
            im.put("height", it.height());
            float[] b = it.boxes();
            for (int k = 0; k < it.count(); k++) {
                ObjectNode a = anns.addObject();
                double w = (double) b[4 * k + 2] - b[4 * k], h = (double) b[4 * k + 3] - b[4 * k + 1];
                a.put("id", ++id);
                a.put("image_id", it.imageId());
                a.put("category_id", s.categoryIds()[it.labels()[k] - 1]);
                a.putArray("bbox").add(round(b[4 * k])).add(round(b[4 * k + 1])).add(round(w)).add(round(h));
                a.put("area", round(w * h));
                a.put("iscrowd", 0);
            }
        }
        for (int k = 0; k < s.classes().size(); k++) {
            cats.addObject().put("id", s.categoryIds()[k]).put("name", s.classes().get(k));
        }
        return root;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static ObjectNode readYaml(Path p) throws IOException {
        if (!Files.exists(p)) return YAML.createObjectNode();
        JsonNode n = YAML.readTree(p.toFile());
        if (n instanceof ObjectNode o) return o;
        throw new UserError(p + ": not a YOLO data.yaml", ExitCodes.USAGE);
    }
}
