package dev.cvkit.coco;

/**
 * pycocotools' per image × category × area-range record ({@code evalImgs} element), for
 * inspection and diffing. Detections are in score order (highest first, at most maxDet);
 * ground truths with the ignored ones last. Matches hold the other side's annotation id, 0 when
 * unmatched; result ids are 1-based positions in the results file, as loadRes assigns them.
 *
 * @param dtMatches [T][D] matched ground-truth id or 0
 * @param gtMatches [T][G] matched result id or 0
 * @param dtIgnore  [T][D]
 */
public record EvalImage(long imageId, long categoryId, double[] aRng, int maxDet, long[] dtIds, long[] gtIds,
                        long[][] dtMatches, long[][] gtMatches, double[] dtScores, boolean[] gtIgnore,
                        boolean[][] dtIgnore) {}
