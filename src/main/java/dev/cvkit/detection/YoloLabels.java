package dev.cvkit.detection;

import java.util.List;
import java.util.Locale;

/**
 * Detections as a YOLO label file, the format Ultralytics' {@code --save-txt} writes and its
 * training reads: one line per detection, {@code class x_center y_center width height}, the class
 * a 0-based index into the model's classes, coordinates divided by the image's width and height.
 */
public final class YoloLabels {
    private YoloLabels() {}

    /** The file's text for one image of {@code width × height} pixels; empty if nothing was detected. */
    public static String text(List<Detection> detections, int width, int height) {
        StringBuilder sb = new StringBuilder();
        for (Detection d : detections) {
            double x0 = clamp(d.x(), width), y0 = clamp(d.y(), height);
            double x1 = clamp(d.x() + d.w(), width), y1 = clamp(d.y() + d.h(), height);
            sb.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f\n", d.classIndex(),
                    (x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width, (y1 - y0) / height));
        }
        return sb.toString();
    }

    /** Boxes may reach past the border; a label file holds the part inside the image. */
    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
