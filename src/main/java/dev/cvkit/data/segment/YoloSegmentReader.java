package dev.cvkit.data.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.coco.Polygons;
import dev.cvkit.data.detect.YoloDetectionReader;
import java.nio.file.Path;
import java.util.List;

/**
 * An Ultralytics YOLO segmentation split (the data.yaml of {@link YoloDetectionReader}, label
 * lines {@code class x1 y1 x2 y2 …}: one polygon per instance, normalised to the image) as a
 * COCO instances tree, so that the semantic and instance training sets read it as they read
 * COCO: polygon points scaled to pixels, {@code bbox} the points' extent inside the image,
 * {@code area} the pixels the polygon covers as pycocotools rasterises it, category {@code k + 1}
 * named by {@code names[k]}, images numbered 1, 2, … in path order with their {@code file_name}
 * relative to the split's image folder. A line of 5 numbers is a box ({@code class cx cy w h}):
 * its segmentation is the box's four corners, so it marks its box (Mask R-CNN trains a box
 * without a mask so too) and segm evaluation, which needs a mask for every instance, accepts it.
 */
public final class YoloSegmentReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private YoloSegmentReader() {}

    /** A converted split: the COCO tree, and the folder its file names are relative to. */
    public record Split(ObjectNode coco, Path images) {}

    public static Split read(Path yaml, String split) {
        YoloDetectionReader.Layout l = YoloDetectionReader.layout(yaml);
        Path dir = l.split(split);
        List<Path> images = YoloDetectionReader.images(dir, split);
        ObjectNode root = JSON.createObjectNode();
        root.putObject("info").put("description", "converted by cvkit from " + yaml + " (" + split + ")");
        ArrayNode ims = root.putArray("images"), anns = root.putArray("annotations"), cats = root.putArray("categories");
        long annId = 0;
        for (int i = 0; i < images.size(); i++) {
            Path img = images.get(i);
            int[] wh = YoloDetectionReader.size(img);
            int w = wh[0], h = wh[1];
            ObjectNode im = ims.addObject();
            im.put("id", i + 1);
            im.put("file_name", dir.relativize(img).toString().replace('\\', '/'));
            im.put("width", w);
            im.put("height", h);
            for (double[] v : YoloDetectionReader.labels(YoloDetectionReader.labelFile(img), l.names().size())) {
                ObjectNode a = JSON.createObjectNode();
                a.put("id", ++annId);
                a.put("image_id", i + 1);
                a.put("category_id", (int) v[0] + 1);
                double[] xy;
                if (v.length == 5) {
                    double bx1 = (v[1] - v[3] / 2) * w, by1 = (v[2] - v[4] / 2) * h, bx2 = (v[1] + v[3] / 2) * w, by2 = (v[2] + v[4] / 2) * h;
                    xy = new double[] {bx1, by1, bx2, by1, bx2, by2, bx1, by2};
                } else {
                    xy = new double[v.length - 1];
                    for (int k = 0; k < xy.length; k += 2) {
                        xy[k] = v[k + 1] * w;
                        xy[k + 1] = v[k + 2] * h;
                    }
                }
                double x1 = Double.MAX_VALUE, y1 = Double.MAX_VALUE, x2 = -Double.MAX_VALUE, y2 = -Double.MAX_VALUE;
                for (int k = 0; k < xy.length; k += 2) {
                    x1 = Math.min(x1, xy[k]);
                    x2 = Math.max(x2, xy[k]);
                    y1 = Math.min(y1, xy[k + 1]);
                    y2 = Math.max(y2, xy[k + 1]);
                }
                ArrayNode poly = a.putArray("segmentation").addArray();
                for (double c : xy) poly.add(c);
                long area = Polygons.fromPolygon(xy, h, w).area();
                x1 = Math.max(0, x1);
                y1 = Math.max(0, y1);
                x2 = Math.min(w, x2);
                y2 = Math.min(h, y2);
                a.putArray("bbox").add(x1).add(y1).add(Math.max(0, x2 - x1)).add(Math.max(0, y2 - y1));
                a.put("area", area);
                a.put("iscrowd", 0);
                anns.add(a);
            }
        }
        for (int k = 0; k < l.names().size(); k++) cats.addObject().put("id", k + 1).put("name", l.names().get(k));
        return new Split(root, dir);
    }
}
