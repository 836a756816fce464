package dev.cvkit.coco;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A COCO ground-truth file: images, categories and annotations, held column-wise. Images and
 * categories are indexed densely in ascending id order (pycocotools' {@code params.imgIds} and
 * {@code params.catIds}); annotations keep file order.
 *
 * <p>Stricter than pycocotools where it would crash or silently mis-evaluate: annotation ids
 * must be unique and non-zero (pycocotools stores matched ids and takes 0 as "unmatched"),
 * image and category ids must exist and be unique, boxes and areas must be finite and
 * non-negative. {@code iscrowd} defaults to 0.
 */
public final class CocoDataset {
    final String file;
    final long[] imageIds;
    final int[] widths;
    final int[] heights;
    final String[] fileNames;
    final long[] categoryIds;
    final String[] categoryNames;
    final int size;
    final long[] annIds;
    final int[] annImage;
    final int[] annCategory;
    /** {@code [x, y, w, h]} per annotation; NaN when the annotation has no bbox. */
    final double[] bbox;
    final double[] area;
    final boolean[] crowd;
    final Segmentation[] segmentation;
    final int[] line;
    /** Decoded RLE segmentations (null for polygons and missing ones). */
    final Rle[] rle;
    private final LongIntMap imageIndex;
    private final LongIntMap categoryIndex;

    private CocoDataset(Builder b) {
        this.file = b.file;
        int[] imgOrder = sortedOrder(b.imgIds, b.nImages);
        imageIds = new long[b.nImages];
        widths = new int[b.nImages];
        heights = new int[b.nImages];
        fileNames = new String[b.nImages];
        imageIndex = new LongIntMap(b.nImages);
        for (int i = 0; i < b.nImages; i++) {
            int src = imgOrder[i];
            imageIds[i] = b.imgIds[src];
            widths[i] = b.widths[src];
            heights[i] = b.heights[src];
            fileNames[i] = b.fileNames[src];
            imageIndex.putIfAbsent(imageIds[i], i);
        }
        int[] catOrder = sortedOrder(b.catIds, b.nCats);
        categoryIds = new long[b.nCats];
        categoryNames = new String[b.nCats];
        categoryIndex = new LongIntMap(b.nCats);
        for (int k = 0; k < b.nCats; k++) {
            categoryIds[k] = b.catIds[catOrder[k]];
            categoryNames[k] = b.catNames[catOrder[k]];
            categoryIndex.putIfAbsent(categoryIds[k], k);
        }
        size = b.nAnns;
        annIds = Arrays.copyOf(b.annIds, size);
        annImage = new int[size];
        annCategory = new int[size];
        bbox = Arrays.copyOf(b.bbox, 4 * size);
        area = Arrays.copyOf(b.area, size);
        crowd = Arrays.copyOf(b.crowd, size);
        segmentation = Arrays.copyOf(b.segm, size);
        line = Arrays.copyOf(b.line, size);
        rle = new Rle[size];
        LongIntMap seen = new LongIntMap(size);
        for (int j = 0; j < size; j++) {
            if (seen.putIfAbsent(annIds[j], j) >= 0) {
                throw new CocoFormatException(at(j) + ": duplicate annotation id");
            }
            annImage[j] = imageIndex.get(b.annImageIds[j]);
            if (annImage[j] < 0) {
                throw new CocoFormatException(at(j) + ": image_id " + b.annImageIds[j] + " is not in 'images'");
            }
            annCategory[j] = categoryIndex.get(b.annCatIds[j]);
            if (annCategory[j] < 0) {
                throw new CocoFormatException(at(j) + ": category_id " + b.annCatIds[j] + " is not in 'categories'");
            }
            Segmentation s = segmentation[j];
            if (s != null) {
                int i = annImage[j];
                rle[j] = checkSegmentation(s, widths[i], heights[i], imageIds[i], at(j));
            }
        }
    }

    /** Where annotation {@code j} is, for messages. */
    String at(int j) {
        return file + ": annotation id " + annIds[j] + " (line " + line[j] + ")";
    }

    /** Reads a ground-truth file with its segmentations. */
    public static CocoDataset read(Path path) {
        return read(path, true);
    }

    /**
     * Reads a ground-truth file; without {@code segmentation} the masks are skipped unparsed
     * (box evaluation does not need them, and they are most of a file's bytes).
     */
    public static CocoDataset read(Path path, boolean segmentation) {
        try (JsonIn in = JsonIn.open(path)) {
            return parse(in, segmentation);
        }
    }

    static CocoDataset parse(JsonIn in, boolean withSegmentation) {
        Builder b = new Builder(in.file);
        b.withSegmentation = withSegmentation;
        if (in.next() != JsonToken.START_OBJECT) {
            throw in.error("a COCO ground-truth file must be a JSON object with 'images', 'annotations' and 'categories', got "
                    + JsonIn.describe(in.current()));
        }
        boolean sawImages = false;
        boolean sawAnnotations = false;
        boolean sawCategories = false;
        while (in.next() == JsonToken.FIELD_NAME) {
            String f = in.name();
            switch (f) {
                case "images" -> {
                    sawImages = true;
                    array(in, f, () -> readImage(in, b));
                }
                case "categories" -> {
                    sawCategories = true;
                    array(in, f, () -> readCategory(in, b));
                }
                case "annotations" -> {
                    sawAnnotations = true;
                    array(in, f, () -> readAnnotation(in, b, b.withSegmentation));
                }
                default -> {
                    in.next();
                    in.skip();
                }
            }
        }
        if (in.next() != null) {
            throw in.error("unexpected content after the ground-truth object");
        }
        if (!sawImages || !sawAnnotations || !sawCategories) {
            throw new CocoFormatException(in.file + ": not a COCO ground-truth file (needs 'images', 'annotations' and 'categories')");
        }
        return new CocoDataset(b);
    }

    private static void array(JsonIn in, String field, Runnable element) {
        if (in.next() != JsonToken.START_ARRAY) {
            throw in.error("'" + field + "' must be an array, got " + JsonIn.describe(in.current()));
        }
        while (in.next() != JsonToken.END_ARRAY) {
            if (in.current() != JsonToken.START_OBJECT) {
                throw in.error("'" + field + "' must hold objects, got " + JsonIn.describe(in.current()));
            }
            element.run();
        }
    }

    private static void readImage(JsonIn in, Builder b) {
        int line = in.line();
        Long id = null;
        long width = -1;
        long height = -1;
        String name = null;
        while (in.next() == JsonToken.FIELD_NAME) {
            switch (in.name()) {
                case "id" -> id = in.id("id");
                case "width" -> width = dimension(in, "width");
                case "height" -> height = dimension(in, "height");
                case "file_name" -> name = in.string("file_name");
                default -> {
                    in.next();
                    in.skip();
                }
            }
        }
        if (id == null) {
            throw new CocoFormatException(in.file + ": line " + line + ": image without 'id'");
        }
        b.addImage(id, (int) width, (int) height, name, line);
    }

    private static long dimension(JsonIn in, String field) {
        double v = in.number(field);
        if (!(v >= 1) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw in.error("image '" + field + "' must be a positive integer, got " + v);
        }
        return (long) v;
    }

    private static void readCategory(JsonIn in, Builder b) {
        int line = in.line();
        Long id = null;
        String name = null;
        while (in.next() == JsonToken.FIELD_NAME) {
            switch (in.name()) {
                case "id" -> id = in.id("id");
                case "name" -> name = in.string("name");
                default -> {
                    in.next();
                    in.skip();
                }
            }
        }
        if (id == null) {
            throw new CocoFormatException(in.file + ": line " + line + ": category without 'id'");
        }
        b.addCategory(id, name == null ? String.valueOf(id) : name, line);
    }

    private static void readAnnotation(JsonIn in, Builder b, boolean withSegmentation) {
        int line = in.line();
        boolean hasId = false;
        boolean hasImage = false;
        boolean hasCat = false;
        long id = 0;
        long imageId = 0;
        long catId = 0;
        double[] box = null;
        double[] boxBuf = b.boxBuf;
        double area = Double.NaN;
        boolean hasArea = false;
        boolean crowd = false;
        Segmentation segm = null;
        while (in.next() == JsonToken.FIELD_NAME) {
            switch (in.name()) {
                case "id" -> {
                    id = in.id("id");
                    hasId = true;
                }
                case "image_id" -> {
                    imageId = in.id("image_id");
                    hasImage = true;
                }
                case "category_id" -> {
                    catId = in.id("category_id");
                    hasCat = true;
                }
                case "bbox" -> {
                    int n = in.numbersInto("bbox", boxBuf, 0, 4);
                    checkBox(in, boxBuf, n);
                    box = boxBuf;
                }
                case "area" -> {
                    area = in.number("area");
                    hasArea = true;
                    if (!Double.isFinite(area) || area < 0) {
                        throw in.error("'area' must be a finite non-negative number, got " + area);
                    }
                }
                case "iscrowd" -> {
                    JsonToken t = in.next();
                    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                        crowd = t == JsonToken.VALUE_TRUE;
                    } else {
                        crowd = in.currentNumber("'iscrowd'") != 0;
                    }
                }
                case "segmentation" -> {
                    if (withSegmentation) {
                        segm = in.segmentation();
                    } else {
                        in.next();
                        in.skip();
                    }
                }
                default -> {
                    in.next();
                    in.skip();
                }
            }
        }
        if (!hasId) {
            throw new CocoFormatException(in.file + ": line " + line + ": annotation without 'id'");
        }
        if (id == 0 || !hasImage || !hasCat || !hasArea) {
            annotationError(in.file + ": annotation id " + id + " (line " + line + ")", id, hasImage, hasCat);
        }
        b.addAnnotation(id, imageId, catId, box, area, crowd, segm, line);
    }

    private static void annotationError(String at, long id, boolean hasImage, boolean hasCat) {
        if (id == 0) {
            throw new CocoFormatException(at + ": annotation id 0 is not allowed (pycocotools treats id 0 as 'unmatched'; number annotations from 1)");
        }
        if (!hasImage) {
            throw new CocoFormatException(at + ": no 'image_id'");
        }
        if (!hasCat) {
            throw new CocoFormatException(at + ": no 'category_id'");
        }
        throw new CocoFormatException(at + ": no 'area' (COCO evaluation uses it for the small/medium/large ranges)");
    }

    /** Checks a box of {@code n} numbers read into {@code box[0..4)}. */
    static void checkBox(JsonIn in, double[] box, int n) {
        if (n != 4) {
            throw in.error("'bbox' must be [x, y, width, height], got " + n + " numbers");
        }
        for (int i = 0; i < 4; i++) {
            if (!Double.isFinite(box[i])) {
                throw in.error("'bbox' has a non-finite value: " + Arrays.toString(box));
            }
        }
        if (box[2] < 0 || box[3] < 0) {
            throw in.error("'bbox' has a negative width or height: " + Arrays.toString(box));
        }
    }

    /**
     * Checks what pycocotools needs to turn a segmentation into a mask for this image; returns the
     * decoded mask for RLEs (null for polygons, which are rasterised when evaluated).
     */
    static Rle checkSegmentation(Segmentation s, int width, int height, long imageId, String at) {
        if (s instanceof Segmentation.PolygonList pl) {
            if (pl.parts().isEmpty()) {
                throw new CocoFormatException(at + ": empty polygon list");
            }
            // pycocotools takes a first part of 4 numbers for boxes and fails; parts need a point.
            if (pl.parts().get(0).length <= 4) {
                throw new CocoFormatException(at + ": the first polygon has " + pl.parts().get(0).length
                        + " coordinates; a polygon needs at least 3 points (6 numbers)");
            }
            for (double[] part : pl.parts()) {
                if (part.length < 2) {
                    throw new CocoFormatException(at + ": a polygon part has fewer than 2 coordinates");
                }
            }
            if (width < 1 || height < 1) {
                throw new CocoFormatException(at + ": image " + imageId + " has no 'width'/'height', needed to rasterise polygons");
            }
            if ((long) width * height > Rle.MAX_PIXELS) {
                throw new CocoFormatException(at + ": image " + imageId + " is too large to rasterise (" + width + "x" + height + ")");
            }
            return null;
        }
        Rle rle;
        try {
            rle = s.toRle(height, width);
        } catch (IllegalArgumentException e) {
            throw new CocoFormatException(at + ": " + e.getMessage());
        }
        int h = rle.height();
        int w = rle.width();
        if (width > 0 && height > 0 && (h != height || w != width)) {
            throw new CocoFormatException(at + ": RLE size [" + h + ", " + w + "] differs from image " + imageId
                    + " (height " + height + ", width " + width + ")");
        }
        long sum = rle.coveredPixels();
        if (sum != (long) h * w) {
            throw new CocoFormatException(at + ": RLE counts sum to " + sum + ", expected height*width = " + (long) h * w);
        }
        return rle;
    }

    /** Number of images. */
    public int imageCount() { return imageIds.length; }

    /** The {@code file_name} of image {@code i} (dense index, images sorted by id), or null if the file gives none. */
    public String fileName(int i) { return fileNames[i]; }

    /** Width of image {@code i} as the file says (0 when absent). */
    public int width(int i) { return widths[i]; }

    /** Height of image {@code i} as the file says (0 when absent). */
    public int height(int i) { return heights[i]; }

    /** Number of categories. */
    public int categoryCount() { return categoryIds.length; }

    /** Number of annotations. */
    public int annotationCount() { return size; }

    /** Image id at dense index {@code i} (ascending id order). */
    public long imageId(int i) { return imageIds[i]; }

    /** Category id at dense index {@code k} (ascending id order). */
    public long categoryId(int k) { return categoryIds[k]; }

    public String categoryName(int k) { return categoryNames[k]; }

    public String file() { return file; }

    /** Dense index of an image id, or -1. */
    public int imageIndex(long id) { return imageIndex.get(id); }

    /** Dense index of a category id, or -1. */
    public int categoryIndex(long id) { return categoryIndex.get(id); }

    /** Dense image index of annotation {@code j}. */
    public int annotationImage(int j) { return annImage[j]; }

    /** Category id of annotation {@code j}. */
    public long annotationCategoryId(int j) { return categoryIds[annCategory[j]]; }

    /** Coordinate {@code c} (0..3: x, y, w, h) of annotation {@code j}'s box. */
    public double annotationBox(int j, int c) { return bbox[4 * j + c]; }

    /** Whether annotation {@code j} is a crowd region. */
    public boolean annotationCrowd(int j) { return crowd[j]; }

    /**
     * Annotation {@code j}'s mask as pycocotools' {@code annToRLE} gives it (polygons rasterised for
     * its image's size), or null when it has no segmentation or the file was read without them.
     */
    public Rle annotationMask(int j) {
        if (rle[j] != null) return rle[j];
        Segmentation s = segmentation[j];
        return s == null ? null : s.toRle(heights[annImage[j]], widths[annImage[j]]);
    }

    /** Where annotation {@code j} is in its file (file, id and line), for messages. */
    public String annotationAt(int j) { return at(j); }

    private Map<String, Integer>[] fileIndex;

    /**
     * Dense index of the image with this {@code file_name}, else of the one whose base name
     * matches when that is unique; -1 if none.
     */
    public synchronized int imageByFile(String name) {
        if (fileIndex == null) {
            fileIndex = fileIndex();
        }
        int i = imageByFile(name, fileIndex[0], fileIndex[1]);
        return i < 0 ? -1 : i;
    }

    /** Image index by {@code file_name}, then by the file's base name when unique; -1 if none, -2 if ambiguous. */
    int imageByFile(String name, Map<String, Integer> exact, Map<String, Integer> base) {
        Integer i = exact.get(name);
        if (i != null) {
            return i;
        }
        i = base.get(baseName(name));
        return i == null ? -1 : i;
    }

    /** Maps for {@link #imageByFile}: full name, and base name (-2 marks an ambiguous base name). */
    Map<String, Integer>[] fileIndex() {
        Map<String, Integer> exact = new HashMap<>();
        Map<String, Integer> base = new HashMap<>();
        for (int i = 0; i < fileNames.length; i++) {
            if (fileNames[i] != null) {
                exact.put(fileNames[i], i);
                base.merge(baseName(fileNames[i]), i, (a, c) -> -2);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Integer>[] maps = new Map[] {exact, base};
        return maps;
    }

    static String baseName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    private static int[] sortedOrder(long[] ids, int n) {
        int[] order = new int[n];
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, c) -> Long.compare(ids[a], ids[c]));
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /** Accumulates what the parser reads. */
    private static final class Builder {
        final String file;
        final double[] boxBuf = new double[4];
        boolean withSegmentation = true;
        int nImages;
        long[] imgIds = new long[64];
        int[] widths = new int[64];
        int[] heights = new int[64];
        String[] fileNames = new String[64];
        final LongIntMap imgSeen = new LongIntMap(64);
        int nCats;
        long[] catIds = new long[16];
        String[] catNames = new String[16];
        final LongIntMap catSeen = new LongIntMap(16);
        int nAnns;
        long[] annIds = new long[256];
        long[] annImageIds = new long[256];
        long[] annCatIds = new long[256];
        double[] bbox = new double[1024];
        double[] area = new double[256];
        boolean[] crowd = new boolean[256];
        Segmentation[] segm = new Segmentation[256];
        int[] line = new int[256];

        Builder(String file) { this.file = file; }

        void addImage(long id, int w, int h, String name, int at) {
            if (imgSeen.putIfAbsent(id, nImages) >= 0) {
                throw new CocoFormatException(file + ": line " + at + ": duplicate image id " + id);
            }
            if (nImages == imgIds.length) {
                int n = nImages * 2;
                imgIds = Arrays.copyOf(imgIds, n);
                widths = Arrays.copyOf(widths, n);
                heights = Arrays.copyOf(heights, n);
                fileNames = Arrays.copyOf(fileNames, n);
            }
            imgIds[nImages] = id;
            widths[nImages] = w;
            heights[nImages] = h;
            fileNames[nImages] = name;
            nImages++;
        }

        void addCategory(long id, String name, int at) {
            if (catSeen.putIfAbsent(id, nCats) >= 0) {
                throw new CocoFormatException(file + ": line " + at + ": duplicate category id " + id);
            }
            if (nCats == catIds.length) {
                catIds = Arrays.copyOf(catIds, nCats * 2);
                catNames = Arrays.copyOf(catNames, nCats * 2);
            }
            catIds[nCats] = id;
            catNames[nCats] = name;
            nCats++;
        }

        void addAnnotation(long id, long imageId, long catId, double[] box, double a, boolean isCrowd,
                           Segmentation s, int at) {
            if (nAnns == annIds.length) {
                int n = nAnns * 2;
                annIds = Arrays.copyOf(annIds, n);
                annImageIds = Arrays.copyOf(annImageIds, n);
                annCatIds = Arrays.copyOf(annCatIds, n);
                bbox = Arrays.copyOf(bbox, 4 * n);
                area = Arrays.copyOf(area, n);
                crowd = Arrays.copyOf(crowd, n);
                segm = Arrays.copyOf(segm, n);
                line = Arrays.copyOf(line, n);
            }
            annIds[nAnns] = id;
            annImageIds[nAnns] = imageId;
            annCatIds[nAnns] = catId;
            if (box != null) {
                System.arraycopy(box, 0, bbox, 4 * nAnns, 4);
            } else {
                Arrays.fill(bbox, 4 * nAnns, 4 * nAnns + 4, Double.NaN);
            }
            area[nAnns] = a;
            crowd[nAnns] = isCrowd;
            segm[nAnns] = s;
            line[nAnns] = at;
            nAnns++;
        }
    }
}
