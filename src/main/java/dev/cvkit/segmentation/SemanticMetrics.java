package dev.cvkit.segmentation;

/**
 * torchvision's references/segmentation ConfusionMatrix: summed over all pixels whose target is
 * not the ignore label; pixel accuracy is its trace over its sum, a class's IoU its diagonal
 * over row + column − diagonal. mIoU here averages the classes that occur in the targets or the
 * predictions (torchvision's mean would be NaN when one occurs in neither). Frequency-weighted
 * IoU weighs each class's IoU by its share of the target pixels (Long et al. 2015).
 */
public final class SemanticMetrics {
    private final int classes;
    private final long[] matrix;

    public SemanticMetrics(int classes) {
        this.classes = classes;
        this.matrix = new long[classes * classes];
    }

    /** Adds one image: {@code target} and {@code predicted} row-major, same size; {@code ignore} targets are skipped. */
    public void add(byte[] target, byte[] predicted, int ignore) {
        if (target.length != predicted.length) throw new IllegalArgumentException("target and prediction differ in size");
        for (int q = 0; q < target.length; q++) {
            int t = target[q] & 0xff;
            if (t == ignore || t >= classes) continue;
            matrix[t * classes + (predicted[q] & 0xff)]++;
        }
    }

    /** Adds {@code n} pixels of target class {@code t} predicted as {@code p}. */
    public void add(int t, int p, long n) {
        matrix[t * classes + p] += n;
    }

    public int classes() { return classes; }

    /** Pixels counted (targets other than the ignore label). */
    public long pixels() {
        long all = 0;
        for (long v : matrix) all += v;
        return all;
    }

    /** The matrix as rows of target classes, columns of predicted ones. */
    public long[][] confusion() {
        long[][] out = new long[classes][classes];
        for (int t = 0; t < classes; t++) System.arraycopy(matrix, t * classes, out[t], 0, classes);
        return out;
    }

    /** Σ_k (target pixels of k / all pixels) · IoU_k over the classes that occur in the targets. */
    public double frequencyWeightedIou() {
        double[] iou = iou();
        long all = pixels();
        if (all == 0) return Double.NaN;
        double s = 0;
        for (int k = 0; k < classes; k++) {
            long row = 0;
            for (int j = 0; j < classes; j++) row += matrix[k * classes + j];
            if (row > 0) s += (double) row / all * iou[k];
        }
        return s;
    }

    /** [target][predicted] pixel counts. */
    public long count(int target, int predicted) { return matrix[target * classes + predicted]; }

    public double pixelAccuracy() {
        long diag = 0, all = 0;
        for (int k = 0; k < classes; k++) diag += matrix[k * classes + k];
        for (long v : matrix) all += v;
        return all == 0 ? Double.NaN : (double) diag / all;
    }

    /** IoU per class (NaN for a class in neither target nor prediction). */
    public double[] iou() {
        double[] iou = new double[classes];
        for (int k = 0; k < classes; k++) {
            long row = 0, col = 0;
            for (int j = 0; j < classes; j++) {
                row += matrix[k * classes + j];
                col += matrix[j * classes + k];
            }
            long d = matrix[k * classes + k], union = row + col - d;
            iou[k] = union == 0 ? Double.NaN : (double) d / union;
        }
        return iou;
    }

    public double meanIou() {
        double s = 0;
        int n = 0;
        for (double v : iou()) {
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
