package dev.cvkit.coco;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Detection results resolved against a ground truth, column-wise, in file order (result
 * {@code j} has pycocotools' id {@code j+1}). Two input forms:
 * <ul>
 * <li>a COCO results array {@code [{"image_id","category_id","score","bbox"?,"segmentation"?}, ...]};</li>
 * <li>JSON Lines as cvkit's commands write them, one object per image:
 *     {@code {"file","width","height","detections":[{"bbox","score","category_id"?,"label"?,"segmentation"?}]}};
 *     {@code file} is matched to the ground truth's {@code file_name}, else by base name;
 *     a detection without {@code category_id} is matched by {@code label} to a category name.</li>
 * </ul>
 * pycocotools' {@code loadRes} rules apply: if the first result has a box, every result needs one,
 * its area is {@code w*h} (also for segm evaluation) and a missing segmentation becomes the box's
 * polygon; otherwise every result needs a segmentation, its area is the mask's pixel count and a
 * missing box is the mask's tight box. (pycocotools accepts only compressed RLE there; polygons
 * and run-length lists are accepted here too.)
 */
public final class CocoResults {
    final String file;
    final int size;
    final int[] image;
    final int[] category;
    final double[] score;
    final double[] bbox;
    final double[] area;
    final Segmentation[] segmentation;
    /** Masks already decoded while loading (segmentation-only results), else null entries. */
    final Rle[] rle;
    /** True when the first result had a box (pycocotools' box branch of loadRes). */
    final boolean boxMode;
    final boolean anySegmentation;
    private final LeftOut leftOut;

    private CocoResults(String file, int size, int[] image, int[] category, double[] score, double[] bbox,
                        double[] area, Segmentation[] segmentation, Rle[] rle, boolean boxMode, boolean anySegmentation,
                        LeftOut leftOut) {
        this.file = file;
        this.size = size;
        this.image = image;
        this.category = category;
        this.score = score;
        this.bbox = bbox;
        this.area = area;
        this.segmentation = segmentation;
        this.rle = rle;
        this.boxMode = boxMode;
        this.anySegmentation = anySegmentation;
        this.leftOut = leftOut;
    }

    public int size() { return size; }

    public String file() { return file; }

    /** What a lenient {@link Parsed#resolve(CocoDataset, int, boolean) resolve} left out; empty when strict. */
    public LeftOut leftOut() { return leftOut; }

    /** True if at least one result carries a segmentation. */
    public boolean hasSegmentation() { return anySegmentation; }

    /** Reads and resolves a results file against {@code gt}. */
    public static CocoResults read(Path path, CocoDataset gt) {
        return parse(path).resolve(gt);
    }

    /** Parses a results file without the ground truth (so both can be read at once). */
    public static Parsed parse(Path path) {
        return parse(path, true);
    }

    /**
     * As {@link #parse(Path)}; without {@code segmentation}, masks are skipped unparsed when the
     * first result has a box (box evaluation then never looks at them).
     */
    public static Parsed parse(Path path, boolean segmentation) {
        try (JsonIn in = JsonIn.open(path)) {
            return parse(in, segmentation);
        }
    }

    /**
     * An empty list of box results to fill in memory (a detector's output, say) and then
     * {@link Parsed#resolve resolve} like a file's; {@code name} stands for the file in messages.
     */
    public static Parsed boxes(String name) {
        Parsed r = new Parsed(name);
        r.withSegmentation = false;
        return r;
    }

    /** An empty list of mask results (segm evaluation: the box of each is its mask's, as pycocotools' loadRes makes it). */
    public static Parsed masks(String name) {
        return new Parsed(name);
    }

    static Parsed parse(JsonIn in, boolean withSegmentation) {
        Parsed r = new Parsed(in.file);
        r.withSegmentation = withSegmentation;
        JsonToken first = in.next();
        if (first == JsonToken.START_ARRAY) {
            while (in.next() != JsonToken.END_ARRAY) {
                if (in.current() != JsonToken.START_OBJECT) {
                    throw in.error("results must be objects, got " + JsonIn.describe(in.current()));
                }
                readResult(in, r, -1);
            }
            if (in.next() != null) {
                throw in.error("unexpected content after the results array");
            }
        } else if (first == JsonToken.START_OBJECT) {
            // JSON Lines: one object per image.
            do {
                if (in.current() != JsonToken.START_OBJECT) {
                    throw in.error("each JSON line must be an object, got " + JsonIn.describe(in.current()));
                }
                readImageLine(in, r);
            } while (in.next() != null);
        } else if (first == null) {
            throw new CocoFormatException(in.file + ": empty file (expected a COCO results array or JSON Lines)");
        } else {
            throw in.error("expected a COCO results array or JSON Lines, got " + JsonIn.describe(first));
        }
        return r;
    }

    private static void readImageLine(JsonIn in, Parsed r) {
        int line = in.line();
        String name = null;
        long width = -1;
        long height = -1;
        boolean sawDetections = false;
        int firstDet = r.n;
        int group = r.nGroups;
        while (in.next() == JsonToken.FIELD_NAME) {
            switch (in.name()) {
                case "file" -> name = in.string("file");
                case "width" -> width = (long) in.number("width");
                case "height" -> height = (long) in.number("height");
                case "detections" -> {
                    sawDetections = true;
                    if (in.next() != JsonToken.START_ARRAY) {
                        throw in.error("'detections' must be an array, got " + JsonIn.describe(in.current()));
                    }
                    while (in.next() != JsonToken.END_ARRAY) {
                        if (in.current() != JsonToken.START_OBJECT) {
                            throw in.error("detections must be objects, got " + JsonIn.describe(in.current()));
                        }
                        readResult(in, r, group);
                    }
                }
                default -> {
                    in.next();
                    in.skip();
                }
            }
        }
        if (name == null || !sawDetections) {
            throw new CocoFormatException(in.file + ": line " + line
                    + ": a JSON line needs 'file' and 'detections' (or give a COCO results array)");
        }
        r.addGroup(name, width, height, line);
        if (r.n > firstDet && r.groupOf[firstDet] != group) {
            throw new IllegalStateException("group bookkeeping");
        }
    }

    private static void readResult(JsonIn in, Parsed r, int group) {
        int line = in.line();
        long imageId = Long.MIN_VALUE;
        long catId = Long.MIN_VALUE;
        String label = null;
        double score = Double.NaN;
        boolean hasScore = false;
        double[] box = null;
        Segmentation segm = null;
        while (in.next() == JsonToken.FIELD_NAME) {
            switch (in.name()) {
                case "image_id" -> imageId = in.id("image_id");
                case "category_id" -> catId = in.id("category_id");
                case "label" -> {
                    JsonToken t = in.next();
                    label = t == JsonToken.VALUE_STRING ? in.text() : null;
                    in.skip();
                }
                case "score" -> {
                    score = in.number("score");
                    hasScore = true;
                    if (!Double.isFinite(score)) {
                        throw in.error("'score' must be a finite number, got " + score);
                    }
                }
                case "bbox" -> {
                    int nb = in.numbersInto("bbox", r.boxBuf, 0, 4);
                    if (nb == 0) {
                        box = null; // pycocotools treats an empty box as no box
                    } else {
                        CocoDataset.checkBox(in, r.boxBuf, nb);
                        box = r.boxBuf;
                    }
                }
                case "segmentation" -> {
                    if (r.withSegmentation || r.n == 0 || !r.hasBox[0]) {
                        segm = in.segmentation();
                    } else {
                        in.next();
                        in.skip();
                        r.skippedSegmentation = true;
                    }
                }
                default -> {
                    in.next();
                    in.skip();
                }
            }
        }
        if (!hasScore) {
            throw new CocoFormatException(in.file + ": line " + line + ": result without 'score'");
        }
        if (group < 0 && imageId == Long.MIN_VALUE) {
            throw new CocoFormatException(in.file + ": line " + line + ": result without 'image_id'");
        }
        if (catId == Long.MIN_VALUE && (group < 0 || label == null)) {
            throw new CocoFormatException(in.file + ": line " + line + ": result without 'category_id'"
                    + (group >= 0 ? " or 'label'" : ""));
        }
        r.add(group, imageId, catId, label, score, box, segm, line);
    }

    /** Results as read, before their ids are checked against a ground truth. */
    public static final class Parsed {
        final String file;
        final double[] boxBuf = new double[4];
        boolean withSegmentation = true;
        boolean skippedSegmentation;
        int n;
        int[] groupOf = new int[256];
        long[] imageId = new long[256];
        long[] catId = new long[256];
        String[] label = new String[256];
        double[] score = new double[256];
        double[] bbox = new double[1024];
        boolean[] hasBox = new boolean[256];
        Segmentation[] segm = new Segmentation[256];
        int[] line = new int[256];
        int nGroups;
        String[] groupFile = new String[16];
        long[] groupW = new long[16];
        long[] groupH = new long[16];
        int[] groupLine = new int[16];

        Parsed(String file) { this.file = file; }

        public int size() { return n; }

        /** Adds a box result: image and category ids as in the ground truth, {@code [x, y, w, h]} in pixels. */
        public void addBox(long imageId, long categoryId, double score, double x, double y, double w, double h) {
            add(-1, imageId, categoryId, null, score, new double[] {x, y, w, h}, null, n + 1);
        }

        /** Adds a mask result: image and category ids as in the ground truth, the mask at the image's size. */
        public void addMask(long imageId, long categoryId, double score, Rle mask) {
            add(-1, imageId, categoryId, null, score, null, new Segmentation.CountsRle(mask.height(), mask.width(), mask.counts(), n + 1), n + 1);
        }

        void add(int group, long img, long cat, String lbl, double s, double[] box, Segmentation sg, int ln) {
            if (n == score.length) {
                int c = n * 2;
                groupOf = Arrays.copyOf(groupOf, c);
                imageId = Arrays.copyOf(imageId, c);
                catId = Arrays.copyOf(catId, c);
                label = Arrays.copyOf(label, c);
                score = Arrays.copyOf(score, c);
                bbox = Arrays.copyOf(bbox, 4 * c);
                hasBox = Arrays.copyOf(hasBox, c);
                segm = Arrays.copyOf(segm, c);
                line = Arrays.copyOf(line, c);
            }
            groupOf[n] = group;
            imageId[n] = img;
            catId[n] = cat;
            label[n] = lbl;
            score[n] = s;
            if (box != null) {
                System.arraycopy(box, 0, bbox, 4 * n, 4);
                hasBox[n] = true;
            }
            segm[n] = sg;
            line[n] = ln;
            n++;
        }

        void addGroup(String name, long w, long h, int ln) {
            if (nGroups == groupFile.length) {
                int c = nGroups * 2;
                groupFile = Arrays.copyOf(groupFile, c);
                groupW = Arrays.copyOf(groupW, c);
                groupH = Arrays.copyOf(groupH, c);
                groupLine = Arrays.copyOf(groupLine, c);
            }
            groupFile[nGroups] = name;
            groupW[nGroups] = w;
            groupH[nGroups] = h;
            groupLine[nGroups] = ln;
            nGroups++;
        }

        /** Checks ids against {@code gt} and applies pycocotools' loadRes rules; an unknown image or category is an error. */
        public CocoResults resolve(CocoDataset gt) {
            return resolve(gt, 1, true);
        }

        /** As {@link #resolve(CocoDataset)}, decoding masks on {@code threads} threads. */
        public CocoResults resolve(CocoDataset gt, int threads) {
            return resolve(gt, threads, true);
        }

        /**
         * Checks ids against {@code gt} and applies pycocotools' loadRes rules. With {@code strict},
         * a result whose image or category the ground truth lacks is an error; otherwise it is left
         * out and counted in {@link CocoResults#leftOut()}. Other faults are always errors.
         */
        public CocoResults resolve(CocoDataset gt, int threads, boolean strict) {
            int[] groupImage = resolveGroups(gt, strict);
            Map<String, Integer> byName = new HashMap<>();
            for (int k = gt.categoryCount() - 1; k >= 0; k--) {
                byName.put(gt.categoryName(k), k);
            }
            boolean boxMode = n > 0 && hasBox[0]; // pycocotools decides by the first result, kept or not
            // Ids first: which results stay, at which image and category.
            int[] src = new int[n];
            int[] image = new int[n];
            int[] category = new int[n];
            java.util.LinkedHashSet<String> unknownImages = new java.util.LinkedHashSet<>();
            java.util.LinkedHashSet<String> unknownCategories = new java.util.LinkedHashSet<>();
            for (int g = 0; g < nGroups; g++) {
                if (groupImage[g] < 0) {
                    unknownImages.add(groupFile[g]);
                }
            }
            int imageResults = 0;
            int categoryResults = 0;
            int m = 0;
            for (int j = 0; j < n; j++) {
                int i = groupOf[j] >= 0 ? groupImage[groupOf[j]] : gt.imageIndex(imageId[j]);
                if (i < 0) {
                    if (strict) {
                        throw new CocoFormatException(at(j) + ": image_id " + imageId[j] + " is not in the ground truth " + gt.file());
                    }
                    if (groupOf[j] < 0) {
                        unknownImages.add("image_id " + imageId[j]);
                    }
                    imageResults++;
                    continue;
                }
                int k;
                if (catId[j] != Long.MIN_VALUE) {
                    k = gt.categoryIndex(catId[j]);
                    if (k < 0 && strict) {
                        throw new CocoFormatException(at(j) + ": category_id " + catId[j] + " is not in the ground truth " + gt.file());
                    }
                } else {
                    Integer kk = byName.get(label[j]);
                    if (kk == null && strict) {
                        throw new CocoFormatException(at(j) + ": label '" + label[j] + "' is not a category name in " + gt.file());
                    }
                    k = kk == null ? -1 : kk;
                }
                if (k < 0) {
                    unknownCategories.add(catId[j] != Long.MIN_VALUE ? "category_id " + catId[j] : "'" + label[j] + "'");
                    categoryResults++;
                    continue;
                }
                src[m] = j;
                image[m] = i;
                category[m] = k;
                m++;
            }
            int kept = m;
            double[] area = new double[kept];
            double[] box = new double[4 * kept];
            double[] scores = new double[kept];
            Segmentation[] segms = new Segmentation[kept];
            Rle[] rle = new Rle[kept];
            boolean anySegm = skippedSegmentation;
            for (int r = 0; r < kept; r++) {
                int j = src[r];
                System.arraycopy(bbox, 4 * j, box, 4 * r, 4);
                scores[r] = score[j];
                segms[r] = segm[j];
                anySegm |= segm[j] != null;
                if (boxMode) {
                    if (!hasBox[j]) {
                        throw new CocoFormatException(at(j) + " has no 'bbox' although the first result has one "
                                + "(pycocotools decides by the first result: give every result a bbox)");
                    }
                    area[r] = box[4 * r + 2] * box[4 * r + 3];
                } else if (segm[j] == null) {
                    throw new CocoFormatException(at(j) + " has neither 'bbox' nor 'segmentation'"
                            + (j > 0 ? " (the first result has no bbox, so every result needs a segmentation)" : ""));
                }
            }
            LeftOut leftOut = new LeftOut(List.copyOf(unknownImages), imageResults, List.copyOf(unknownCategories), categoryResults);
            // Masks: check and decode in parallel; report the first bad result in file order.
            CocoFormatException[] errors = new CocoFormatException[kept];
            Parallel.forEach(kept, threads, r -> {
                int j = src[r];
                if (segms[r] == null) {
                    return;
                }
                int i = image[r];
                try {
                    Rle d = CocoDataset.checkSegmentation(segms[r], gt.widths[i], gt.heights[i], gt.imageIds[i], at(j));
                    if (!boxMode) {
                        if (d == null) {
                            d = segms[r].toRle(gt.heights[i], gt.widths[i]);
                        }
                        area[r] = d.area();
                        if (!hasBox[j]) {
                            System.arraycopy(d.toBbox(), 0, box, 4 * r, 4);
                        }
                    }
                    rle[r] = d;
                    if (d != null) {
                        segms[r] = null; // decoded: the text form is no longer needed
                    }
                } catch (CocoFormatException e) {
                    errors[r] = e;
                }
            });
            for (CocoFormatException e : errors) {
                if (e != null) {
                    throw e;
                }
            }
            return new CocoResults(file, kept, Arrays.copyOf(image, kept), Arrays.copyOf(category, kept), scores, box, area,
                    segms, rle, boxMode, anySegm, leftOut);
        }

        private String at(int j) {
            return file + ": line " + line[j] + ": result";
        }

        /** The ground-truth image index of each JSON line's file; -1 for a file it lacks unless {@code strict}. */
        private int[] resolveGroups(CocoDataset gt, boolean strict) {
            int[] out = new int[nGroups];
            if (nGroups == 0) {
                return out;
            }
            Map<String, Integer>[] index = gt.fileIndex();
            for (int g = 0; g < nGroups; g++) {
                String at = file + ": line " + groupLine[g] + ": '" + groupFile[g] + "'";
                int i = gt.imageByFile(groupFile[g], index[0], index[1]);
                if (i == -2) {
                    throw new CocoFormatException(at + ": several ground-truth images have this base name; "
                            + "give the path as in the ground truth's file_name");
                }
                if (i < 0) {
                    if (strict) {
                        throw new CocoFormatException(at + ": no image with this file_name in the ground truth " + gt.file());
                    }
                    out[g] = -1;
                    continue;
                }
                if ((groupW[g] > 0 && gt.widths[i] > 0 && groupW[g] != gt.widths[i])
                        || (groupH[g] > 0 && gt.heights[i] > 0 && groupH[g] != gt.heights[i])) {
                    throw new CocoFormatException(at + ": size " + groupW[g] + "x" + groupH[g]
                            + " differs from the ground truth's " + gt.widths[i] + "x" + gt.heights[i]);
                }
                out[g] = i;
            }
            return out;
        }
    }
}
