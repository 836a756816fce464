package dev.cvkit.segmentation;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_EXTERNAL;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * A binary mask as COCO polygons: the outer contour of each connected part (OpenCV's
 * findContours, straight runs reduced to their end points), in COCO's continuous coordinates
 * (a pixel's centre is +0.5, as Detectron2 converts masks). Holes are not kept: COCO polygons
 * cannot hold them (RLE can). Parts of fewer than three points are dropped, as pycocotools
 * needs three.
 */
public final class MaskPolygons {
    private MaskPolygons() {}

    /** @param mask row-major {@code h × w}, non-zero inside */
    public static List<double[]> of(byte[] mask, int w, int h) {
        List<double[]> out = new ArrayList<>();
        try (Mat m = new Mat(h, w, CV_8UC1); MatVector contours = new MatVector()) {
            BytePointer p = m.data();
            byte[] bin = new byte[mask.length];
            for (int q = 0; q < bin.length; q++) bin[q] = (byte) (mask[q] != 0 ? 1 : 0);
            p.put(bin);
            findContours(m, contours, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE);
            for (long c = 0; c < contours.size(); c++) {
                try (Mat pts = contours.get(c); IntIndexer ix = pts.createIndexer()) {
                    int n = (int) pts.total();
                    if (n < 3) continue;
                    double[] xy = new double[2 * n];
                    for (int k = 0; k < n; k++) {
                        xy[2 * k] = ix.get(k, 0, 0) + 0.5;
                        xy[2 * k + 1] = ix.get(k, 0, 1) + 0.5;
                    }
                    out.add(xy);
                }
            }
        }
        return out;
    }
}
