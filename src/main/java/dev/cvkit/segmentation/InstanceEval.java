package dev.cvkit.segmentation;

import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoEval;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.CocoResults;
import dev.cvkit.coco.IouType;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An {@link InstanceSegmenter} over the images of a COCO data set, scored by cvkit's COCO
 * evaluator twice: boxes (bbox AP) and masks (segm AP, pycocotools' numbers). Classes are matched
 * to categories by name; an image that cannot be read is reported to the listener and counts as
 * an image without instances.
 */
public final class InstanceEval {
    /** Told of every image: {@code error} is null when it was segmented. */
    @FunctionalInterface
    public interface Listener {
        void image(String file, String error);
    }

    public record Result(CocoEval bbox, CocoEval segm, int images, int failed, int instances) {}

    private InstanceEval() {}

    public static Result run(InstanceSegmenter seg, CocoDataset gt, Path images, DetectParams params, int[] maxDets, long maxPixels,
                             Listener listener) {
        long[] categoryOf = new long[seg.classes().size()];
        boolean any = false;
        for (int c = 0; c < categoryOf.length; c++) {
            categoryOf[c] = Long.MIN_VALUE;
            for (int k = 0; k < gt.categoryCount(); k++) {
                if (gt.categoryName(k).equals(seg.classes().get(c))) {
                    categoryOf[c] = gt.categoryId(k);
                    any = true;
                }
            }
        }
        if (!any) throw new UserError(gt.file() + ": no category is named like a class of the model " + seg.classes(), 2);
        CocoResults.Parsed boxes = CocoResults.boxes("boxes of mask-rcnn"), masks = CocoResults.masks("masks of mask-rcnn");
        int failed = 0, instances = 0;
        for (int i = 0; i < gt.imageCount(); i++) {
            String name = gt.fileName(i);
            Path file = name == null ? null : images.resolve(name);
            String shown = file == null ? "image id " + gt.imageId(i) : file.toString();
            if (file == null) {
                failed++;
                listener.image(shown, shown + ": has no file_name in the data set");
                continue;
            }
            List<InstanceSegmenter.Instance> found;
            try (Mat m = ImageDecoder.read(file, maxPixels)) {
                found = seg.segment(RgbImage.fromMat(m), params);
            } catch (UserError e) {
                failed++;
                listener.image(shown, e.getMessage().startsWith(shown) ? e.getMessage() : shown + ": " + e.getMessage());
                continue;
            }
            for (InstanceSegmenter.Instance d : found) {
                long cat = categoryOf[d.classIndex()];
                if (cat == Long.MIN_VALUE) continue;
                boxes.addBox(gt.imageId(i), cat, d.score(), d.x1(), d.y1(), d.x2() - d.x1(), d.y2() - d.y1());
                masks.addMask(gt.imageId(i), cat, d.score(), d.rle());
                instances++;
            }
            listener.image(shown, null);
        }
        return new Result(evaluate(gt, boxes, IouType.BBOX, maxDets), evaluate(gt, masks, IouType.SEGM, maxDets), gt.imageCount(), failed,
                instances);
    }

    private static CocoEval evaluate(CocoDataset gt, CocoResults.Parsed results, IouType type, int[] maxDets) {
        CocoParams p = CocoParams.defaults(type);
        if (maxDets != null) p = p.withMaxDets(maxDets);
        CocoEval e = new CocoEval(gt, results.resolve(gt, 1), p);
        e.evaluate();
        e.accumulate();
        return e;
    }
}
