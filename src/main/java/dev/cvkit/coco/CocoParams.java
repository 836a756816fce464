package dev.cvkit.coco;

import java.util.Arrays;

/**
 * Evaluation parameters, pycocotools' {@code Params} for detection: IoU thresholds .50:.05:.95
 * (T=10), recall thresholds 0:.01:1 (R=101), area ranges all/small/medium/large (A=4, inclusive
 * at both ends), maxDets 1/10/100 (M=3). The thresholds are built the way numpy's
 * {@code linspace} builds them ({@code i*step + start}, last = stop), so they are the same doubles.
 */
public record CocoParams(IouType iouType, double[] iouThrs, double[] recThrs, int[] maxDets,
                         double[][] areaRng, String[] areaRngLbl) {

    /** pycocotools' defaults. */
    public static CocoParams defaults(IouType iouType) {
        return new CocoParams(iouType, linspace(.5, 0.95, 10), linspace(0, 1, 101), new int[] {1, 10, 100},
                new double[][] {{0, 1e10}, {0, 1024}, {1024, 9216}, {9216, 1e10}},
                new String[] {"all", "small", "medium", "large"});
    }

    /** The defaults with other maxDets (sorted ascending, as pycocotools' evaluate() does). */
    public CocoParams withMaxDets(int... dets) {
        int[] sorted = dets.clone();
        Arrays.sort(sorted);
        return new CocoParams(iouType, iouThrs, recThrs, sorted, areaRng, areaRngLbl);
    }

    /** numpy.linspace(start, stop, num) with endpoint: {@code i*((stop-start)/(num-1)) + start}. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    public int t() { return iouThrs.length; }

    public int r() { return recThrs.length; }

    public int a() { return areaRng.length; }

    public int m() { return maxDets.length; }
}
