package dev.cvkit.image;

import org.bytedeco.opencv.opencv_core.Mat;

/** Copies between 8-bit / float Mats and Java arrays (continuous or not). */
public final class MatBytes {
    private MatBytes() {}

    /** All bytes of an 8-bit Mat, row-major, channels interleaved. */
    public static byte[] get(Mat m) {
        int rowBytes = m.cols() * m.channels();
        byte[] out = new byte[rowBytes * m.rows()];
        if (m.isContinuous()) {
            m.data().get(out);
        } else {
            for (int y = 0; y < m.rows(); y++) {
                m.ptr(y).get(out, y * rowBytes, rowBytes);
            }
        }
        return out;
    }

    /** All floats of a CV_32F Mat, row-major. */
    public static float[] getFloats(Mat m) {
        float[] out = new float[m.cols() * m.channels() * m.rows()];
        org.bytedeco.javacpp.indexer.FloatIndexer idx = m.createIndexer();
        try {
            idx.get(0L, out);
        } finally {
            idx.release();
        }
        return out;
    }
}
