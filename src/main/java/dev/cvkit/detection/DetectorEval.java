package dev.cvkit.detection;

import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoEval;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.CocoResults;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A detector evaluated on a COCO dataset: runs it on every image of the ground truth
 * ({@code file_name} resolved against an images folder), maps its classes to the dataset's
 * categories by name (NanoDet's COCO names; a face model's "face"), and evaluates the boxes with
 * {@link CocoEval} (evaluate + accumulate; the caller summarizes and reports). Boxes and scores
 * are rounded as cvkit's result files round them ({@link Detection#cocoBox()},
 * {@link Detection#cocoScore()}), so the numbers equal {@code cvkit detect --coco} followed by
 * {@code cvkit eval --dt}. An image that cannot be read or decoded is reported to the listener
 * and contributes no detections (its ground truth still counts); the others are still evaluated.
 */
public final class DetectorEval {
    /** Told about each image, in dataset order (images sorted by id), from the calling thread. */
    public interface Listener {
        /** @param error null when the image was processed, else what went wrong (one line) */
        void image(String file, String error);
    }

    /**
     * What the evaluation produced.
     *
     * @param classesLeftOut the detector's classes that are not categories of the dataset (their detections are dropped)
     * @param failed images that could not be processed
     */
    public record Result(CocoEval eval, int images, int failed, int detections, List<String> classesLeftOut) {}

    private DetectorEval() {}

    /**
     * @param images  folder the dataset's {@code file_name}s are relative to
     * @param threads images processed at once
     * @throws UserError (usage) when no class of the detector is a category of the dataset
     */
    public static Result run(Detector det, CocoDataset gt, Path images, DetectParams params, CocoParams cocoParams,
                             long maxPixels, int threads, Listener listener) {
        long[] categoryOf = new long[det.classes().size()];
        List<String> leftOut = new ArrayList<>();
        boolean any = false;
        for (int c = 0; c < categoryOf.length; c++) {
            categoryOf[c] = categoryByName(gt, det.classes().get(c));
            if (categoryOf[c] == Long.MIN_VALUE) {
                leftOut.add(det.classes().get(c));
            } else {
                any = true;
            }
        }
        if (!any) {
            throw new UserError(gt.file() + ": no category is named like a class of the model (" + preview(det.classes())
                    + "); detections are matched to categories by name", ExitCodes.USAGE);
        }
        CocoResults.Parsed results = CocoResults.boxes("detections of " + det.architecture());
        int failed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "cvkit-eval");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            int per = det instanceof BatchDetector b ? Math.max(1, b.batchSize()) : 1;
            for (int i = 0; i < gt.imageCount(); i += per) {
                int from = i, to = Math.min(gt.imageCount(), i + per);
                futures.add(pool.submit(() -> detectChunk(det, gt, images, from, to, params, maxPixels)));
            }
            for (int i = 0; i < gt.imageCount(); i++) {
                String shown = gt.fileName(i) == null ? "image id " + gt.imageId(i) : images.resolve(gt.fileName(i)).toString();
                Outcome o;
                try {
                    o = futures.get(i / per).get().get(i % per);
                } catch (ExecutionException e) {
                    failed++;
                    listener.image(shown, e.getCause() instanceof UserError u ? u.getMessage() : String.valueOf(e.getCause()));
                    continue;
                }
                if (o.error() != null) {
                    failed++;
                    listener.image(shown, o.error());
                    continue;
                }
                List<Detection> found = o.found();
                for (Detection d : found) {
                    long cat = categoryOf[d.classIndex()];
                    if (cat != Long.MIN_VALUE) {
                        double[] b = d.cocoBox();
                        results.addBox(gt.imageId(i), cat, d.cocoScore(), b[0], b[1], b[2], b[3]);
                    }
                }
                listener.image(shown, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", ExitCodes.INPUT_FAILED, e);
        } finally {
            pool.shutdownNow();
        }
        CocoEval eval = new CocoEval(gt, results.resolve(gt, threads), cocoParams).threads(threads);
        eval.evaluate();
        eval.accumulate();
        return new Result(eval, gt.imageCount(), failed, results.size(), leftOut);
    }

    /** One image's detections, or why it could not be processed. */
    private record Outcome(List<Detection> found, String error) {}

    /** Images [from, to): decoded one by one, then detected together when the detector batches. */
    private static List<Outcome> detectChunk(Detector det, CocoDataset gt, Path images, int from, int to, DetectParams params,
                                             long maxPixels) {
        List<Outcome> out = new ArrayList<>();
        List<RgbImage> ok = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String name = gt.fileName(i);
            try {
                if (name == null) throw new UserError("has no file_name in the dataset", ExitCodes.INPUT_FAILED);
                try (Mat bgr = ImageDecoder.read(images.resolve(name), maxPixels)) {
                    RgbImage img = RgbImage.fromMat(bgr);
                    if (det instanceof BatchDetector) {
                        ok.add(img);
                        at.add(out.size());
                        out.add(null);
                    } else {
                        out.add(new Outcome(det.detect(img, params), null));
                    }
                }
            } catch (UserError e) {
                out.add(new Outcome(null, e.getMessage()));
            }
        }
        if (!ok.isEmpty()) {
            List<List<Detection>> found = ((BatchDetector) det).detectAll(ok, params, dev.cvkit.timing.Lap.NONE);
            for (int k = 0; k < at.size(); k++) out.set(at.get(k), new Outcome(found.get(k), null));
        }
        return out;
    }

    /** The id of the dataset's category called {@code name}, or Long.MIN_VALUE. */
    private static long categoryByName(CocoDataset gt, String name) {
        for (int k = 0; k < gt.categoryCount(); k++) {
            if (name.equals(gt.categoryName(k))) {
                return gt.categoryId(k);
            }
        }
        return Long.MIN_VALUE;
    }

    private static String preview(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names) : String.join(", ", names.subList(0, 6)) + ", ...";
    }
}
