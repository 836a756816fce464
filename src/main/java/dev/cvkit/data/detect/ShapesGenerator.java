package dev.cvkit.data.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.coco.Rle;
import dev.cvkit.data.Seeds;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.image.RgbOps;
import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code cvkit data shapes}: a detection and instance-segmentation data set that needs no
 * download. Each image is a crop of a real photograph with 1–6 shapes (circle, square, triangle,
 * star, hexagon) of random size, turn, colour and shading, which may occlude each other and be
 * cut by the border, then blurred and noised at random. Boxes and masks are exact: a shape's
 * mask is the set of pixels it shows (pixel centres inside its polygon, not covered by a later
 * shape), its box the extent of that mask. Segmentations are the polygon when the whole shape
 * shows, else the visible mask as COCO RLE. Writes {@code OUT/train.json}, {@code OUT/train/},
 * {@code OUT/val.json}, {@code OUT/val/} (the layout of the torchvision baseline scripts). Every
 * image depends only on (seed, split, index): the same bytes for any thread count.
 */
public final class ShapesGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TRAIN_STREAM = 0x5452_4149L, VAL_STREAM = 0x5641_4C31L;
    /** A shape may hide at most half of an earlier one, and must itself show this many pixels. */
    private static final double MAX_HIDDEN = 0.5;
    private static final int MIN_VISIBLE = 30;

    /**
     * @param backgrounds photographs to crop backgrounds from (at least one)
     */
    public record Options(int train, int val, int imgsz, long seed, List<Path> backgrounds, int threads, long maxPixels) {
        public Options {
            if (train < 0 || val < 0 || train + val == 0) throw new UserError("data shapes: need --train ≥ 0, --val ≥ 0 and some images", 2);
            if (imgsz < 32 || imgsz > 4096) throw new UserError("data shapes: --imgsz must be in 32..4096, not " + imgsz, 2);
            if (backgrounds.isEmpty()) throw new UserError("data shapes: no background photographs (give --backgrounds DIR)", 2);
        }
    }

    /** Images and instances written per split. */
    public record Summary(int trainImages, int trainInstances, int valImages, int valInstances) {}

    record Instance(Shape shape, int[] box, int area, double[] polygon, Rle rle) {}

    record Generated(byte[] jpeg, List<Instance> instances) {}

    private ShapesGenerator() {}

    public static Summary generate(Path out, Options o) throws IOException {
        for (String f : List.of("train.json", "val.json")) {
            if (Files.exists(out.resolve(f))) {
                throw new UserError(out.resolve(f) + ": exists; refusing to overwrite a data set (choose another --out)", 2);
            }
        }
        List<RgbImage> photos = new ArrayList<>();
        for (Path p : o.backgrounds()) {
            try (Mat m = ImageDecoder.read(p, o.maxPixels())) {
                RgbImage img = RgbImage.fromMat(m);
                if (Math.min(img.width(), img.height()) >= 32) photos.add(img);
            }
        }
        if (photos.isEmpty()) throw new UserError("data shapes: no background photograph is 32 pixels or more on each side", 2);
        int[] tr = writeSplit(out, "train", o.train(), TRAIN_STREAM, photos, o);
        int[] va = writeSplit(out, "val", o.val(), VAL_STREAM, photos, o);
        return new Summary(o.train(), tr[0], o.val(), va[0]);
    }

    /** Writes the images, then the JSON (last, so a complete JSON means a complete split); returns {instances}. */
    private static int[] writeSplit(Path out, String split, int count, long stream, List<RgbImage> photos, Options o)
            throws IOException {
        Path dir = out.resolve(split);
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode info = root.putObject("info");
        info.put("description", "cvkit data shapes: shapes on crops of photographs, exact boxes and masks");
        info.put("seed", o.seed());
        info.put("split", split);
        ArrayNode images = root.putArray("images"), anns = root.putArray("annotations"), cats = root.putArray("categories");
        for (Shape s : Shape.values()) {
            ObjectNode c = cats.addObject();
            c.put("id", s.ordinal() + 1);
            c.put("name", s.label());
            c.put("supercategory", "shape");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads()));
        int instances = 0;
        try {
            List<Future<Generated>> jobs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long seed = Seeds.mix(o.seed(), stream, 0, i);
                jobs.add(pool.submit(() -> image(new SplittableRandom(seed), photos, o.imgsz())));
            }
            for (int i = 0; i < count; i++) {
                Generated g = jobs.get(i).get();
                String name = String.format("%06d.jpg", i);
                AtomicFiles.write(dir.resolve(name), g.jpeg());
                ObjectNode im = images.addObject();
                im.put("id", i + 1);
                im.put("file_name", name);
                im.put("width", o.imgsz());
                im.put("height", o.imgsz());
                for (Instance in : g.instances()) {
                    ObjectNode a = anns.addObject();
                    a.put("id", ++instances);
                    a.put("image_id", i + 1);
                    a.put("category_id", in.shape().ordinal() + 1);
                    ArrayNode bb = a.putArray("bbox");
                    for (int v : in.box()) bb.add(v);
                    a.put("area", in.area());
                    a.put("iscrowd", 0);
                    if (in.polygon() != null) {
                        ArrayNode poly = a.putArray("segmentation").addArray();
                        for (double v : in.polygon()) poly.add(Math.round(v * 100) / 100.0);
                    } else {
                        ObjectNode rle = a.putObject("segmentation");
                        rle.putArray("size").add(in.rle().height()).add(in.rle().width());
                        rle.put("counts", in.rle().toCompressedString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        AtomicFiles.write(out.resolve(split + ".json"), JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
        return new int[] {instances};
    }

    /** One image and its instances, from its own random stream. */
    static Generated image(SplittableRandom rng, List<RgbImage> photos, int size) {
        RgbImage photo = photos.get(rng.nextInt(photos.size()));
        int side = Math.min(photo.width(), photo.height());
        int crop = (int) Math.round(side * (0.3 + 0.7 * rng.nextDouble()));
        crop = Math.max(16, Math.min(side, crop));
        int cx = rng.nextInt(photo.width() - crop + 1), cy = rng.nextInt(photo.height() - crop + 1);
        RgbImage bg = RgbOps.cropResize(photo, cx, cy, crop, crop, size, size);
        byte[] px = bg.rgb().clone();
        int n = 1 + rng.nextInt(6);
        int[] owner = new int[size * size];
        java.util.Arrays.fill(owner, -1);
        List<Shape> shapes = new ArrayList<>();
        List<double[]> polys = new ArrayList<>();
        List<Integer> full = new ArrayList<>();
        int[] scratch = new int[size * size];
        for (int k = 0; k < n; k++) {
            for (int attempt = 0; attempt < 20; attempt++) {
                Shape s = Shape.values()[rng.nextInt(Shape.values().length)];
                double r = size * (0.06 + 0.19 * rng.nextDouble());
                double x = r * 0.5 + rng.nextDouble() * (size - r), y = r * 0.5 + rng.nextDouble() * (size - r);
                double[] poly = s.polygon(x, y, r, rng.nextDouble() * 2 * Math.PI);
                java.util.Arrays.fill(scratch, 0);
                int area = PolygonRaster.fill(poly, size, size, scratch, 1);
                if (area < MIN_VISIBLE || !keepsOthersVisible(scratch, owner, full)) continue;
                int id = shapes.size();
                paint(px, size, scratch, poly, x, y, r, rng);
                for (int q = 0; q < owner.length; q++) if (scratch[q] == 1) owner[q] = id;
                shapes.add(s);
                polys.add(poly);
                full.add(area);
                break;
            }
        }
        RgbImage img = new RgbImage(size, size, px);
        if (rng.nextDouble() < 0.4) img = RgbOps.gaussianBlur(img, 0.5 + rng.nextDouble());
        if (rng.nextDouble() < 0.5) img = noise(img, 2 + 8 * rng.nextDouble(), rng);
        List<Instance> out = new ArrayList<>();
        for (int id = 0; id < shapes.size(); id++) {
            byte[] mask = new byte[size * size];
            int minX = size, minY = size, maxX = -1, maxY = -1, area = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if (owner[y * size + x] != id) continue;
                    mask[y * size + x] = 1;
                    area++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
            if (area < MIN_VISIBLE) continue;
            int[] box = {minX, minY, maxX - minX + 1, maxY - minY + 1};
            boolean whole = area == full.get(id);
            out.add(new Instance(shapes.get(id), box, area, whole ? polys.get(id) : null,
                    whole ? null : Rle.encode(columnMajor(mask, size, size), size, size)));
        }
        return new Generated(RgbOps.encode(img, "jpg"), out);
    }

    /** True when no earlier shape would keep less than half of its pixels under the new one. */
    private static boolean keepsOthersVisible(int[] mask, int[] owner, List<Integer> full) {
        int[] covered = new int[full.size()], visible = new int[full.size()];
        for (int q = 0; q < owner.length; q++) {
            int o = owner[q];
            if (o < 0) continue;
            visible[o]++;
            if (mask[q] == 1) covered[o]++;
        }
        for (int o = 0; o < full.size(); o++) {
            if (visible[o] - covered[o] < (1 - MAX_HIDDEN) * full.get(o) || visible[o] - covered[o] < MIN_VISIBLE) return false;
        }
        return true;
    }

    /** A colour that stands out from the background under the shape, with a linear shading across it. */
    private static void paint(byte[] px, int size, int[] mask, double[] poly, double cx, double cy, double r, SplittableRandom rng) {
        double[] mean = new double[3];
        int cnt = 0;
        for (int q = 0; q < mask.length; q++) {
            if (mask[q] != 1) continue;
            for (int c = 0; c < 3; c++) mean[c] += px[3 * q + c] & 0xff;
            cnt++;
        }
        for (int c = 0; c < 3; c++) mean[c] /= Math.max(1, cnt);
        int[] col = new int[3];
        for (int t = 0; t < 30; t++) {
            double d = 0;
            for (int c = 0; c < 3; c++) {
                col[c] = rng.nextInt(256);
                d += Math.abs(col[c] - mean[c]);
            }
            if (d / 3 >= 70) break;
        }
        double phi = rng.nextDouble() * 2 * Math.PI, amp = 30 * rng.nextDouble();
        double ux = Math.cos(phi), uy = Math.sin(phi);
        for (int q = 0; q < mask.length; q++) {
            if (mask[q] != 1) continue;
            int x = q % size, y = q / size;
            double shade = amp * ((x + 0.5 - cx) * ux + (y + 0.5 - cy) * uy) / r;
            for (int c = 0; c < 3; c++) px[3 * q + c] = (byte) clamp(col[c] + shade);
        }
    }

    private static RgbImage noise(RgbImage img, double sigma, SplittableRandom rng) {
        byte[] p = img.rgb().clone();
        java.util.Random g = new java.util.Random(rng.nextLong());
        for (int i = 0; i < p.length; i++) p[i] = (byte) clamp((p[i] & 0xff) + sigma * g.nextGaussian());
        return new RgbImage(img.width(), img.height(), p);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Row-major mask to the column-major order of COCO's RLE. */
    private static byte[] columnMajor(byte[] m, int h, int w) {
        byte[] out = new byte[m.length];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out[x * h + y] = m[y * w + x];
        return out;
    }
}
