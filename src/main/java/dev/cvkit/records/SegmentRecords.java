package dev.cvkit.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.RgbImage;
import dev.cvkit.segmentation.Backgrounds;
import dev.cvkit.segmentation.InstanceImages;
import dev.cvkit.segmentation.InstanceRecords;
import dev.cvkit.segmentation.InstanceSegmenter;
import dev.cvkit.segmentation.LabelImages;
import dev.cvkit.segmentation.SegmentModels;
import dev.cvkit.segmentation.SemanticSegmenter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * segment's work on one decoded image: a semantic model's label map (and soft mask) or a Mask
 * R-CNN's instances, the JSON object printed for it, and the bytes of its --masks and --alpha
 * files with their names under those folders. A semantic record is {@code {"file", "width",
 * "height", "shares": {class: share of the pixels}}}; an instance record {@code {"file", "width",
 * "height", "detections": [{"bbox", "score", "category_id", "label", "area", "segmentation"}]}}.
 */
public final class SegmentRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SegmentModels.Loaded semantic;
    private final InstanceSegmenter instances;
    private final DetectParams params;
    private final boolean polygons;
    private final List<String> names;

    private SegmentRecords(SegmentModels.Loaded semantic, InstanceSegmenter instances, DetectParams params, boolean polygons) {
        this.semantic = semantic;
        this.instances = instances;
        this.params = params;
        this.polygons = polygons;
        List<String> n = new ArrayList<>();
        if (semantic != null) {
            n.add("background");
            n.addAll(semantic.classes());
        }
        this.names = List.copyOf(n);
    }

    /** A person segmenter or an FCN. */
    public static SegmentRecords semantic(SegmentModels.Loaded model) {
        return new SegmentRecords(model, null, null, false);
    }

    /** A Mask R-CNN with its thresholds; {@code polygons}: segmentations as polygons instead of compressed RLE. */
    public static SegmentRecords instances(InstanceSegmenter model, DetectParams params, boolean polygons) {
        return new SegmentRecords(null, model, params, polygons);
    }

    public boolean isInstance() { return instances != null; }

    /** Semantic models: the class names, background first (index = label value). */
    public List<String> names() { return names; }

    /** Mask R-CNN: the segmenter (null for a semantic model). */
    public InstanceSegmenter instanceSegmenter() { return instances; }

    /**
     * One image's result: for a semantic model its labels, pixel counts per class and, when asked
     * for, the soft foreground mask; for a Mask R-CNN its instances, best first.
     */
    public record Result(int width, int height, SemanticSegmenter.Labels labels, long[] counts, float[] alpha,
                         List<InstanceSegmenter.Instance> instances) {}

    /** Segments one image; {@code soft}: a semantic model also gives the soft mask (for --alpha and background effects). */
    public Result segment(RgbImage img, boolean soft) {
        if (instances != null) {
            return new Result(img.width(), img.height(), null, null, null, instances.segment(img, params));
        }
        SemanticSegmenter.Soft s = semantic.segment(img, soft);
        SemanticSegmenter.Labels l = s.labels();
        return new Result(l.width(), l.height(), l, l.counts(names.size()), s.alpha(), null);
    }

    /** The record of one image. */
    public ObjectNode json(String file, Result r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("file", file);
        n.put("width", r.width());
        n.put("height", r.height());
        if (instances != null) {
            ArrayNode dets = n.putArray("detections");
            for (InstanceSegmenter.Instance d : r.instances()) {
                dets.add(InstanceRecords.json(d, instances.categoryIds().get(d.classIndex()), polygons));
            }
            return n;
        }
        ObjectNode shares = n.putObject("shares");
        double total = (double) r.width() * r.height();
        for (int k = 0; k < names.size(); k++) shares.put(names.get(k), Math.round(r.counts()[k] / total * 1e6) / 1e6);
        return n;
    }

    /** The record as one JSON line (no newline). */
    public String line(String file, Result r) {
        try {
            return JSON.writeValueAsString(json(file, r));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An output file: its path under the output folder ('/'-separated) and its bytes. */
    public record OutputFile(String name, byte[] bytes) {}

    /**
     * The --masks files of one image whose input path relative to its folder is {@code relative}
     * ({@code sub/photo.jpg}): a semantic model's palette label map {@code sub/photo.png}, or a Mask
     * R-CNN's binary PNG per instance, {@code sub/photo_K.png} for the K-th instance of the record.
     */
    public List<OutputFile> masks(String relative, Result r) {
        String stem = stem(relative);
        if (instances == null) return List.of(new OutputFile(stem + ".png", LabelImages.palettePng(r.labels())));
        List<OutputFile> out = new ArrayList<>();
        for (int k = 0; k < r.instances().size(); k++) {
            out.add(new OutputFile(stem + "_" + k + ".png", InstanceImages.maskPng(r.instances().get(k))));
        }
        return out;
    }

    /** The --alpha file of a semantic model's image: the soft mask × 255 as an 8-bit grey PNG, {@code sub/photo.png}. */
    public OutputFile alpha(String relative, Result r) {
        if (r.alpha() == null) throw new IllegalStateException("segmented without the soft mask");
        return new OutputFile(stem(relative) + ".png",
                LabelImages.greyPng(r.width(), r.height(), Backgrounds.alphaBytes(r.alpha())));
    }

    /** {@code sub/photo} for {@code sub/photo.jpg}, with '/' between folders. */
    public static String stem(String relative) {
        String rel = relative.replace('\\', '/');
        int slash = rel.lastIndexOf('/');
        int dot = rel.lastIndexOf('.');
        return dot > slash ? rel.substring(0, dot) : rel;
    }
}
