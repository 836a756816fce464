package dev.cvkit.coco;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Reads a ground truth and a results file for one evaluation, both at once when threads allow. */
public final class CocoFiles {
    /** The two files, resolved against each other. */
    public record Loaded(CocoDataset gt, CocoResults results) {}

    private CocoFiles() {}

    /**
     * Reads both files. The files are independent until ids are resolved, so with more than one
     * thread the results are parsed while the ground truth is. Box evaluation skips masks unparsed.
     *
     * @throws CocoFormatException for any problem with either file
     */
    public static Loaded read(Path gtPath, Path dtPath, IouType iouType, int threads) {
        return read(gtPath, dtPath, iouType, threads, true);
    }

    /**
     * As {@link #read(Path, Path, IouType, int)}; unless {@code strict}, results for images or
     * categories the ground truth lacks are left out and counted (see {@link CocoResults#leftOut()}).
     */
    public static Loaded read(Path gtPath, Path dtPath, IouType iouType, int threads, boolean strict) {
        boolean masks = iouType == IouType.SEGM;
        CompletableFuture<CocoResults.Parsed> parsed = threads > 1
                ? CompletableFuture.supplyAsync(() -> CocoResults.parse(dtPath, masks))
                : null;
        CocoDataset gt = CocoDataset.read(gtPath, masks);
        CocoResults.Parsed raw = parsed != null ? join(parsed) : CocoResults.parse(dtPath, masks);
        return new Loaded(gt, raw.resolve(gt, threads, strict));
    }

    private static CocoResults.Parsed join(CompletableFuture<CocoResults.Parsed> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
