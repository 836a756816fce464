package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.yolo.YoloSpec;
import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The detector families cvkit trains, by {@code --arch} name (= the model config's
 * {@code "architecture"}): how each is built from the command line's options and rebuilt from a
 * saved config. A new family is one {@link Family} and one line here.
 */
public final class DetectorFamilies {
    /** What the command line chooses for a new network; {@code scale} is null unless {@code --scale} was given. */
    public record Setup(String backbone, int classes, int imgsz, String scale) {}

    /** The command line's defaults for a family: AdamW learning rate, batch, warm-up iterations and augmentation. */
    public record TrainDefaults(float lr, int batch, int warmup, String augment) {
        /** The two-stage families' (those of the same-budget torchvision baseline). */
        public static final TrainDefaults RCNN = new TrainDefaults(7e-4f, 8, 80, BoxAugment.DEFAULT);
    }

    /** One trainable architecture. */
    public interface Family {
        /** {@code --backbone} values it builds, the default first. */
        List<String> backbones();

        /** {@code --scale} values it builds (model sizes), the default first; none (the default) when it has one size. */
        default List<String> scales() { return List.of(); }

        /** What {@code --lr}, {@code --batch}, {@code --warmup} and {@code --augment} default to (AdamW). */
        default TrainDefaults trainDefaults() { return TrainDefaults.RCNN; }

        /** A fresh network (weights from {@link dev.cvkit.nn.Init}'s generator) for {@code classes} object classes. */
        TrainableDetector create(Setup setup);

        /**
         * The network a saved config describes, weights not loaded.
         *
         * @throws IllegalArgumentException naming the missing or out-of-range value
         */
        TrainableDetector fromConfig(JsonNode config);
    }

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put(DetectTraining.FASTER, new RcnnFamily(DetectTraining.FASTER));
        FAMILIES.put(dev.cvkit.detection.rcnn.RcnnModelFile.FAST, new RcnnFamily(dev.cvkit.detection.rcnn.RcnnModelFile.FAST));
        FAMILIES.put(dev.cvkit.detection.rcnnsvm.RcnnSvmDetector.ARCHITECTURE, new dev.cvkit.detection.rcnnsvm.RcnnSvmFamily());
        FAMILIES.put(YoloSpec.YOLO, new YoloFamily(YoloSpec.YOLO));
        FAMILIES.put(YoloSpec.YOLOV1, new YoloFamily(YoloSpec.YOLOV1));
        FAMILIES.put(dev.cvkit.detection.retina.RetinaNetSpec.ARCHITECTURE, new RetinaFamily());
        FAMILIES.put(dev.cvkit.detection.ssd.SsdSpec.ARCHITECTURE, new SsdFamily(false));
        FAMILIES.put(dev.cvkit.detection.ssd.SsdSpec.LITE, new SsdFamily(true));
    }

    private DetectorFamilies() {}

    /** The {@code --arch} names, in the order the docs list them. */
    public static List<String> names() { return List.copyOf(FAMILIES.keySet()); }

    /** The family of an architecture name, or null. */
    public static Family get(String architecture) { return FAMILIES.get(architecture); }

    /**
     * The detector a model file's config and weights describe.
     *
     * @throws IllegalArgumentException naming what is wrong (unknown architecture, config value, missing or misshapen tensor)
     */
    public static BatchDetector load(JsonNode config, Map<String, Tensor> tensors, DetectParams defaults, List<String> classes,
                                     List<Integer> ids) {
        TrainableDetector net = rebuild(config, tensors);
        if (net.classes() != classes.size()) {
            throw new IllegalArgumentException("the network has " + net.classes() + " classes, the config names " + classes.size());
        }
        return net.detector(defaults, classes, ids);
    }

    /**
     * The network a model file's config describes, with its weights loaded.
     *
     * @throws IllegalArgumentException naming what is wrong (unknown architecture, config value, missing or misshapen tensor)
     */
    public static TrainableDetector rebuild(JsonNode config, Map<String, Tensor> tensors) {
        String arch = config.path("architecture").asText("");
        Family f = FAMILIES.get(arch);
        if (f == null) throw new IllegalArgumentException("unknown detector architecture '" + arch + "'");
        TrainableDetector net = f.fromConfig(config);
        net.network().loadStateDict(tensors);
        return net;
    }
}
