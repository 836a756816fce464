package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.coco.Rle;

/**
 * Instances as JSON, in COCO's vocabulary: {@code bbox} [x, y, w, h], {@code score},
 * {@code category_id}, {@code label}, {@code area} (mask pixels) and {@code segmentation}, a
 * compressed RLE {@code {"size": [h, w], "counts": "..."}} as pycocotools writes it, or
 * polygons {@code [[x1, y1, x2, y2, ...], ...]} ({@link MaskPolygons}).
 */
public final class InstanceRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InstanceRecords() {}

    /** A detection object of a JSON line (as cvkit eval --dt reads them). */
    public static ObjectNode json(InstanceSegmenter.Instance d, long categoryId, boolean polygons) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode b = o.putArray("bbox");
        b.add(round(d.x1())).add(round(d.y1())).add(round(d.x2() - d.x1())).add(round(d.y2() - d.y1()));
        o.put("score", Math.round(d.score() * 1e5) / 1e5);
        o.put("category_id", categoryId);
        o.put("label", d.label());
        o.put("area", d.area());
        segmentation(o, d, polygons);
        return o;
    }

    /** A COCO results entry for segm evaluation: image_id, category_id, segmentation and score (no bbox, as torchvision's evaluation writes them). */
    public static ObjectNode cocoResult(InstanceSegmenter.Instance d, long imageId, long categoryId, boolean polygons) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image_id", imageId);
        o.put("category_id", categoryId);
        segmentation(o, d, polygons);
        o.put("score", d.score());
        return o;
    }

    private static void segmentation(ObjectNode o, InstanceSegmenter.Instance d, boolean polygons) {
        if (polygons) {
            ArrayNode parts = o.putArray("segmentation");
            for (double[] xy : MaskPolygons.of(d.mask(), d.width(), d.height())) {
                ArrayNode p = parts.addArray();
                for (double v : xy) p.add(v);
            }
        } else {
            Rle r = d.rle();
            ObjectNode s = o.putObject("segmentation");
            s.putArray("size").add(r.height()).add(r.width());
            s.put("counts", r.toCompressedString());
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
