package dev.cvkit.coco;

import java.util.List;

/**
 * A segmentation as a COCO file gives it: polygons (one object may have several parts), an
 * uncompressed RLE (a list of run lengths) or a compressed RLE string. {@code line} is where it
 * starts in its file, for error messages.
 */
public sealed interface Segmentation {
    int line();

    /**
     * The mask for an image of {@code imageH×imageW}, as pycocotools' {@code annToRLE}: polygon
     * parts rasterised and merged; RLEs keep their own size.
     */
    Rle toRle(int imageH, int imageW);

    /** Polygons {@code [[x1, y1, x2, y2, ...], ...]}. */
    record PolygonList(List<double[]> parts, int line) implements Segmentation {
        @Override
        public Rle toRle(int imageH, int imageW) {
            return Polygons.fromPolygons(parts, imageH, imageW);
        }
    }

    /** An RLE given as run lengths. */
    record CountsRle(int h, int w, int[] counts, int line) implements Segmentation {
        @Override
        public Rle toRle(int imageH, int imageW) {
            return new Rle(h, w, counts);
        }
    }

    /** An RLE given as pycocotools' compressed string. */
    record CompressedRle(int h, int w, String counts, int line) implements Segmentation {
        @Override
        public Rle toRle(int imageH, int imageW) {
            return Rle.fromCompressedString(counts, h, w);
        }
    }
}
