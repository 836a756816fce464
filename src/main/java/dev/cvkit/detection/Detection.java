package dev.cvkit.detection;

/**
 * One detected object in original image pixels: box {@code [x, y, w, h]} (top-left corner, width,
 * height), confidence score, class index into the detector's class list, and the class name.
 */
public record Detection(float x, float y, float w, float h, float score, int classIndex, String label) {
    /** The box as cvkit's result files write it: {@code [x, y, w, h]} rounded to 0.01 px. */
    public double[] cocoBox() {
        return new double[] {round2(x), round2(y), round2(w), round2(h)};
    }

    /** The score as cvkit's result files write it: rounded to 1e-5. */
    public double cocoScore() {
        return Math.round(score * 1e5) / 1e5;
    }

    private static double round2(float v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
