package dev.cvkit.data.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.image.ImageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads an Ultralytics YOLO data set: {@code data.yaml} names the root ({@code path}, relative
 * to the yaml's folder), the splits ({@code train}, {@code val}, {@code test}: image folders
 * relative to the root) and the classes ({@code names}, a list or an index → name map). Each
 * image {@code …/images/…/x.jpg} has its labels in {@code …/labels/…/x.txt}, one object per line:
 * {@code class cx cy w h}, normalised to the image (a line with more numbers is a polygon, whose
 * extent is the box). An image without a label file has no objects. Errors name the file and line.
 */
public final class YoloDetectionReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final java.util.Set<String> IMAGE_EXT = java.util.Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff");

    private YoloDetectionReader() {}

    /** The yaml's classes, root and split folders. */
    public record Layout(Path yaml, Path root, List<String> names, Map<String, Path> splits) {
        public Path split(String name) {
            Path p = splits.get(name);
            if (p == null) throw new UserError(yaml + ": has no '" + name + "' split", ExitCodes.USAGE);
            return p;
        }
    }

    public static boolean isYaml(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    public static Layout layout(Path yaml) {
        JsonNode y;
        try {
            y = YAML.readTree(yaml.toFile());
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new UserError(yaml + ": line " + line + ": not valid YAML (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")",
                    ExitCodes.INPUT_FAILED);
        } catch (IOException e) {
            throw new UserError(yaml + ": cannot read (" + e.getMessage() + ")", ExitCodes.USAGE);
        }
        if (y == null || !y.isObject()) throw new UserError(yaml + ": not a YOLO data.yaml (expected keys path, train, val, names)", 1);
        Path base = yaml.toAbsolutePath().getParent();
        Path root = y.hasNonNull("path") ? base.resolve(y.get("path").asText()).normalize() : base;
        List<String> names = new ArrayList<>();
        JsonNode n = y.path("names");
        if (n.isArray()) {
            n.forEach(v -> names.add(v.asText()));
        } else if (n.isObject()) {
            TreeMap<Integer, String> byIndex = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    byIndex.put(Integer.parseInt(e.getKey().strip()), e.getValue().asText());
                } catch (NumberFormatException ex) {
                    throw new UserError(yaml + ": names: '" + e.getKey() + "' is not a class index", 1);
                }
            }
            int expect = 0;
            for (Map.Entry<Integer, String> e : byIndex.entrySet()) {
                if (e.getKey() != expect++) throw new UserError(yaml + ": names: class indices must run 0, 1, 2, … without gaps", 1);
                names.add(e.getValue());
            }
        }
        if (names.isEmpty()) throw new UserError(yaml + ": no class names ('names:')", 1);
        if (y.has("nc") && y.get("nc").asInt() != names.size()) {
            throw new UserError(yaml + ": nc is " + y.get("nc").asInt() + " but names lists " + names.size(), 1);
        }
        Map<String, Path> splits = new TreeMap<>();
        for (String s : List.of("train", "val", "test")) {
            if (y.hasNonNull(s) && y.get(s).isTextual()) splits.put(s, root.resolve(y.get(s).asText()).normalize());
        }
        return new Layout(yaml, root, names, splits);
    }

    /** A split's image files, sorted by path; a missing or empty folder is an error. */
    public static List<Path> images(Path dir, String split) {
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": image folder of split '" + split + "' not found", ExitCodes.USAGE);
        List<Path> images;
        try (Stream<Path> s = Files.walk(dir)) {
            images = s.filter(Files::isRegularFile).filter(p -> IMAGE_EXT.contains(ext(p))).sorted().toList();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list (" + e.getMessage() + ")", 1);
        }
        if (images.isEmpty()) throw new UserError(dir + ": no images in split '" + split + "'", 1);
        return images;
    }

    /**
     * The objects of a label file (none when there is no file): per line its numbers, the class
     * index first, checked: 5 numbers (a box, {@code class cx cy w h}) or an odd count above 5 (a
     * polygon, {@code class x1 y1 x2 y2 …}), the class one of {@code classes}.
     */
    public static List<double[]> labels(Path lbl, int classes) {
        List<double[]> out = new ArrayList<>();
        if (!Files.isRegularFile(lbl)) return out;
        List<String> lines;
        try {
            lines = Files.readAllLines(lbl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(lbl + ": cannot read (" + e.getMessage() + ")", 1);
        }
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            double[] v = new double[f.length];
            try {
                for (int k = 0; k < f.length; k++) v[k] = Double.parseDouble(f[k]);
            } catch (NumberFormatException e) {
                throw new UserError(lbl + ": line " + (ln + 1) + ": not numbers: '" + line + "'", 1);
            }
            if (f.length < 5 || (f.length > 5 && f.length % 2 == 0)) {
                throw new UserError(lbl + ": line " + (ln + 1) + ": expected 'class cx cy w h' or 'class x1 y1 x2 y2 …', got "
                        + f.length + " numbers", 1);
            }
            int c = (int) v[0];
            if (c != v[0] || c < 0 || c >= classes) {
                throw new UserError(lbl + ": line " + (ln + 1) + ": class " + f[0] + " is not in 0.." + (classes - 1), 1);
            }
            for (int k = 1; k < v.length; k++) {
                if (!Double.isFinite(v[k])) throw new UserError(lbl + ": line " + (ln + 1) + ": not a finite number: " + f[k], 1);
            }
            out.add(v);
        }
        return out;
    }

    /** One split as a detection set (images sorted by path, ids 1, 2, …). */
    public static CocoDetectionReader.Read read(Path yaml, String split) {
        Layout l = layout(yaml);
        Path dir = l.split(split);
        List<Path> images = images(dir, split);
        List<String> names = l.names();
        long[] ids = new long[names.size()];
        for (int k = 0; k < ids.length; k++) ids[k] = k + 1;
        BoxCleaner cleaner = new BoxCleaner();
        List<DetectionSet.Item> items = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Path img = images.get(i);
            int[] wh = size(img);
            List<float[]> boxes = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (double[] v : labels(labelFile(img), names.size())) {
                int c = (int) v[0];
                double x1, y1, x2, y2;
                if (v.length == 5) {
                    x1 = (v[1] - v[3] / 2) * wh[0];
                    y1 = (v[2] - v[4] / 2) * wh[1];
                    x2 = (v[1] + v[3] / 2) * wh[0];
                    y2 = (v[2] + v[4] / 2) * wh[1];
                } else {
                    x1 = y1 = Double.MAX_VALUE;
                    x2 = y2 = -Double.MAX_VALUE;
                    for (int k = 1; k < v.length; k += 2) {
                        x1 = Math.min(x1, v[k] * wh[0]);
                        x2 = Math.max(x2, v[k] * wh[0]);
                        y1 = Math.min(y1, v[k + 1] * wh[1]);
                        y2 = Math.max(y2, v[k + 1] * wh[1]);
                    }
                }
                float[] b = cleaner.clean(x1, y1, x2, y2, wh[0], wh[1]);
                if (b == null) continue;
                boxes.add(b);
                labels.add(c + 1);
            }
            float[] b = new float[boxes.size() * 4];
            int[] lab = new int[labels.size()];
            for (int k = 0; k < lab.length; k++) {
                System.arraycopy(boxes.get(k), 0, b, 4 * k, 4);
                lab[k] = labels.get(k);
            }
            String file = dir.relativize(img).toString().replace('\\', '/');
            items.add(new DetectionSet.Item(img, file, i + 1, wh[0], wh[1], b, lab));
        }
        return new CocoDetectionReader.Read(new DetectionSet(yaml + " (" + split + ")", names, ids, items), cleaner.counts(), dir);
    }

    /** Ultralytics' rule: the last {@code /images/} of the path becomes {@code /labels/}, the extension {@code .txt}. */
    public static Path labelFile(Path image) {
        String s = image.toAbsolutePath().toString().replace('\\', '/');
        int k = s.lastIndexOf("/images/");
        String base = k < 0 ? s : s.substring(0, k) + "/labels/" + s.substring(k + 8);
        int dot = base.lastIndexOf('.');
        return Path.of((dot > base.lastIndexOf('/') ? base.substring(0, dot) : base) + ".txt");
    }

    /** An image's width and height from its header. */
    public static int[] size(Path img) {
        try (InputStream in = Files.newInputStream(img)) {
            ImageHeader h = ImageHeader.sniff(in.readNBytes(1 << 20));
            if (h.width() > 0 && h.height() > 0) return new int[] {h.width(), h.height()};
        } catch (IOException e) {
            throw new UserError(img + ": cannot read (" + e.getMessage() + ")", 1);
        }
        throw new UserError(img + ": the image header does not tell its size (not an image, or a format without one)", 1);
    }

    private static String ext(Path p) {
        String n = p.getFileName().toString();
        int d = n.lastIndexOf('.');
        return d < 0 ? "" : n.substring(d + 1).toLowerCase(Locale.ROOT);
    }
}
