package dev.cvkit.segmentation;

import dev.cvkit.coco.Rle;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.TransformedDetector;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskHead;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.image.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Mask R-CNN on images, as torchvision's {@code MaskRCNN} in eval mode: RGB bytes → [0, 1]
 * floats → {@link RcnnTransform} → detections with the call's score threshold, per-class NMS and
 * count → boxes mapped back to the image's pixels and each 28×28 mask map pasted into the
 * original image at its box ({@link MaskHead#paste}) and cut at 0.5. Label k of the network is
 * class k − 1 of {@link #classes()}.
 */
public final class InstanceSegmenter {
    /** Probability above which a pixel belongs to an instance (torchvision's evaluation and examples). */
    public static final float MASK_THRESHOLD = 0.5f;

    private final FasterRcnn net;
    private final MaskRcnnSpec spec;
    private final RcnnTransform transform;
    private final List<String> classes;
    private final List<Integer> categoryIds;
    private final DetectParams defaults;

    public InstanceSegmenter(FasterRcnn net, MaskRcnnSpec spec, List<String> classes, List<Integer> categoryIds, DetectParams defaults) {
        if (!net.hasMasks()) throw new IllegalArgumentException("the network has no mask branch");
        if (classes.size() + 1 != spec.box().classes() || categoryIds.size() != classes.size()) {
            throw new IllegalArgumentException("num_classes " + spec.box().classes() + " does not fit " + classes.size() + " class names + background");
        }
        this.net = net;
        this.spec = spec;
        this.transform = spec.box().transform();
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
        this.defaults = defaults;
    }

    /**
     * One instance in the image's pixels.
     *
     * @param mask row-major {@code height × width}, 1 inside
     * @param classIndex 0-based index into {@link #classes()}
     */
    public record Instance(float x1, float y1, float x2, float y2, float score, int classIndex, String label, int width, int height,
                           byte[] mask) {
        /** The mask as COCO RLE (column-major runs, as pycocotools encodes). */
        public Rle rle() {
            byte[] colMajor = new byte[mask.length];
            for (int y = 0, q = 0; y < height; y++) {
                for (int x = 0; x < width; x++, q++) colMajor[x * height + y] = mask[q];
            }
            return Rle.encode(colMajor, height, width);
        }

        /** Pixels inside the mask. */
        public long area() {
            long n = 0;
            for (byte b : mask) n += b;
            return n;
        }
    }

    public FasterRcnn network() { return net; }

    public MaskRcnnSpec spec() { return spec; }

    public List<String> classes() { return classes; }

    public List<Integer> categoryIds() { return categoryIds; }

    /** The thresholds a model file carries for segmenting. */
    public DetectParams defaults() { return defaults; }

    /** The instances of one image, best score first. */
    public List<Instance> segment(RgbImage im, DetectParams params) {
        net.eval();
        RcnnTransform.Batch b = transform.apply(List.of(TransformedDetector.toTensor(im)), null);
        FasterRcnn.MaskMaps found = net.detectMaskMaps(b.images(), b.sizes(), params.conf(), params.iou(), params.maxDet()).get(0);
        int h = im.height(), w = im.width();
        float[] boxes = RcnnTransform.resizeBoxes(found.detections().boxes(), b.sizes()[0], new int[] {h, w});
        List<Instance> out = new ArrayList<>();
        for (int k = 0; k < found.detections().count(); k++) {
            float[] box = java.util.Arrays.copyOfRange(boxes, 4 * k, 4 * k + 4);
            float[] prob = MaskHead.paste(found.maps()[k], found.size(), box, h, w);
            byte[] mask = new byte[h * w];
            for (int q = 0; q < mask.length; q++) mask[q] = (byte) (prob[q] > MASK_THRESHOLD ? 1 : 0);
            int c = found.detections().labels()[k] - 1;
            out.add(new Instance(box[0], box[1], box[2], box[3], found.detections().scores()[k], c, classes.get(c), w, h, mask));
        }
        return out;
    }
}
