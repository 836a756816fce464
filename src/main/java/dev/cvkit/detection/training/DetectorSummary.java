package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.RgbImage;
import dev.cvkit.models.Summary;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.timing.Lap;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer table of a detector cvkit trains ({@code cvkit models summary retinanet}, or of a
 * model file): its inference exactly as {@code detect} runs it (input transform, one batch
 * forward, decoding and NMS) on one black image, with every leaf layer's output traced. So a head
 * shared by the pyramid levels (RetinaNet's) shows one row per level, in order, and a per-map
 * head (SSD's, YOLO's) one row per map; an R-CNN box head's rows are for the RoIs the RPN kept
 * for this image (their count is the row's batch dimension, left out of the shape, but in the
 * multiply-adds). Parameters count once, under the model file's names.
 */
public final class DetectorSummary {
    private DetectorSummary() {}

    /**
     * A fresh network of family {@code arch} whose input transform keeps an image of
     * {@code side} on its longer side at its own size.
     *
     * @param backbone null: the family's default
     * @param scale null: the family's default (only families with sizes take one)
     * @throws IllegalArgumentException for an unknown family, backbone or scale
     */
    public static TrainableDetector create(String arch, String backbone, String scale, int classes, int side) {
        DetectorFamilies.Family f = DetectorFamilies.get(arch);
        if (f == null) throw new IllegalArgumentException("unknown detector family '" + arch + "'");
        String b = backbone == null ? f.backbones().get(0) : backbone;
        if (!f.backbones().contains(b)) {
            throw new IllegalArgumentException("--backbone " + b + " is not one of " + arch + "'s (" + String.join(", ", f.backbones()) + ")");
        }
        if (scale != null && !f.scales().contains(scale)) {
            throw new IllegalArgumentException(f.scales().isEmpty() ? arch + " has one size (no --scale)"
                    : "--scale " + scale + " is not one of " + arch + "'s (" + String.join(", ", f.scales()) + ")");
        }
        return f.create(new DetectorFamilies.Setup(b, classes, side, scale));
    }

    /** The square input side a model file's network was trained at: YOLO's {@code imgsz}, else the transform's {@code max_size}. */
    public static int trainedSide(JsonNode config) {
        JsonNode n = config.has("imgsz") ? config.path("imgsz") : config.path("transform").path("max_size");
        if (!n.canConvertToInt() || n.asInt() < 32 || n.asInt() > 8192) {
            throw new IllegalArgumentException("no input size (imgsz or transform.max_size of 32 … 8192) in the config");
        }
        return n.asInt();
    }

    /** The table for one black {@code h × w} image, under {@code name}. */
    public static Summary.Result of(String name, TrainableDetector detector, int h, int w) {
        return Summary.of(name, new View(detector), 3, h, w);
    }

    /** The detector's network as one module: its children under their own names, its forward the detector's inference. */
    private static final class View extends Module {
        private final TrainableDetector detector;

        View(TrainableDetector detector) {
            this.detector = detector;
            detector.network().children().forEach(this::child);
        }

        @Override
        protected Tensor compute(Tensor x) {
            int k = detector.classes();
            List<String> names = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                names.add("class" + (c + 1));
                ids.add(c + 1);
            }
            DetectParams p = new DetectParams(0.25f, 0.5f, 100);
            RgbImage black = new RgbImage(x.size(3), x.size(2), new byte[3 * x.size(2) * x.size(3)]);
            detector.detector(p, names, ids).detectAll(List.of(black), p, Lap.NONE);
            return x;
        }

        @Override
        public Module train(boolean on) {
            detector.network().train(on);
            return super.train(on);
        }
    }
}
