package dev.cvkit.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoEval;
import dev.cvkit.coco.CocoFiles;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.CocoReport;
import dev.cvkit.coco.IouType;
import dev.cvkit.coco.StatGates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import scala.Tuple2;

/**
 * {@code cvkit-spark eval}: {@code cvkit eval --gt --dt} for result sets too large for one
 * machine. COCO's accumulation for a category depends only on that category's ground truth and
 * results, so the results are grouped by category on the executors, each group is evaluated by
 * cvkit's own {@link CocoEval} against the ground truth restricted to its categories, and the
 * driver puts the per-category numbers together and summarises: the same numbers, bit for bit.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "COCO evaluation as 'cvkit eval --gt --dt' reports it (same numbers and output), with the results spread over Spark.")
final class EvalJob implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--gt", paramLabel = "GT.json", required = true, description = "COCO ground truth (local or on a Hadoop file system).")
    String gt;

    @Option(names = "--dt", paramLabel = "RESULTS", arity = "1..*", required = true,
            description = "COCO results arrays (*.json), or detect's JSON lines: an --output folder of cvkit-spark detect, "
                    + "or JSON Lines files (images matched to --gt by file name, classes by name).")
    List<String> dt;

    @Option(names = "--iou-type", paramLabel = "T", defaultValue = "bbox", description = "bbox or segm (default: ${DEFAULT-VALUE}).")
    String iouType;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--per-class", description = "Also report AP, AP50, AP75 and AR per category.")
    boolean perClass;

    @Option(names = "--groups", paramLabel = "N", description = "Evaluate the categories in N groups (tasks) (default: 2 per core, at most one per category).")
    Integer groups;

    @Option(names = "--min", paramLabel = "STAT=VALUE", split = ",",
            description = "Quality gate: exit 3 if a stat is below its minimum, e.g. AP=0.30,AP50=0.50 "
                    + "(AP AP50 AP75 APs APm APl AR1 AR10 AR100 ARs ARm ARl).")
    Map<String, Double> min = new java.util.LinkedHashMap<>();

    @Option(names = "--strict", description = "Results for images or categories that --gt lacks are errors (exit 1), not a warning.")
    boolean strict;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but errors.")
    boolean quiet;

    /**
     * One result row of the COCO results format, and where it stood in the input (ties in score
     * keep that order); or, with {@code json} null, a result left out because the ground truth
     * lacks its image ({@code unknown} names it, {@code image} true) or its category.
     */
    record Row(long order, long categoryId, String json, String unknown, boolean image) implements java.io.Serializable {
        static Row of(long order, long categoryId, String json) {
            return new Row(order, categoryId, json, null, false);
        }

        static Row leftOut(long order, String name, boolean image) {
            return new Row(order, 0, null, name, image);
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean json = switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "json", "jsonl" -> true;
            default -> throw new UserError("--format must be text or json, got '" + format + "'", ExitCodes.USAGE);
        };
        IouType type = switch (iouType.toLowerCase(Locale.ROOT)) {
            case "bbox" -> IouType.BBOX;
            case "segm" -> IouType.SEGM;
            default -> throw new UserError("--iou-type must be bbox or segm, got '" + iouType + "'", ExitCodes.USAGE);
        };
        if (groups != null && groups < 1) {
            throw new UserError("--groups must be at least 1, got " + groups, ExitCodes.USAGE);
        }
        Map<String, Double> gates = StatGates.parse(min, " (see 'cvkit-spark eval --help')");
        long start = System.nanoTime();
        byte[] gtBytes = DriverFiles.read(gt, "--gt");
        Path gtFile = DriverFiles.toTempFile(gtBytes, ".json");
        CocoParams params = CocoParams.defaults(type);
        CocoDataset dataset;
        CocoEval whole;
        try {
            // the ground truth with no results: every category's numbers as if nothing was found,
            // then replaced by the groups' for the categories that have results
            Path none = DriverFiles.toTempFile("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8), ".json");
            CocoFiles.Loaded base = CocoFiles.read(gtFile, none, type, 1, false);
            dataset = base.gt();
            whole = new CocoEval(dataset, base.results(), params);
            whole.evaluate();
            whole.accumulate();
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
        Map<Long, Integer> catIndex = new HashMap<>();
        Map<String, Long> catByName = new HashMap<>();
        for (int k = 0; k < dataset.categoryCount(); k++) {
            catIndex.put(dataset.categoryId(k), k);
            catByName.put(dataset.categoryName(k), dataset.categoryId(k));
        }
        // file names, and under "/" + base name those base names that are unique
        Map<String, Long> imageByFile = new HashMap<>();
        Map<String, Integer> baseCount = new HashMap<>();
        for (int i = 0; i < dataset.imageCount(); i++) {
            imageByFile.put(dataset.fileName(i), dataset.imageId(i));
            baseCount.merge(baseName(dataset.fileName(i)), 1, Integer::sum);
        }
        for (int i = 0; i < dataset.imageCount(); i++) {
            if (baseCount.get(baseName(dataset.fileName(i))) == 1) {
                imageByFile.put("/" + baseName(dataset.fileName(i)), dataset.imageId(i));
            }
        }
        Set<Long> imageIds = new HashSet<>();
        for (int i = 0; i < dataset.imageCount(); i++) imageIds.add(dataset.imageId(i));
        long rows;
        List<String> leftOutLines;
        try (Main.Context ctx = main.context("eval", master)) {
            JavaSparkContext sc = ctx.sc();
            int g = groups != null ? groups : Math.max(1, Math.min(dataset.categoryCount(), 2 * sc.defaultParallelism()));
            Broadcast<byte[]> gtShared = sc.broadcast(gtBytes);
            Broadcast<Map<Long, Integer>> cats = sc.broadcast(catIndex);
            JavaRDD<Row> all = results(sc, sc.broadcast(imageByFile), sc.broadcast(catByName), sc.broadcast(imageIds), cats);
            all.cache();
            leftOutLines = leftOut(all);
            rows = all.filter(r -> r.json() != null).count();
            String typeLabel = type.name();
            List<Tuple2<Integer, double[][]>> numbers = all
                    .filter(r -> r.json() != null)
                    .mapToPair(r -> new Tuple2<>(Math.floorMod(cats.value().getOrDefault(r.categoryId(), 0), g), r))
                    .groupByKey(g)
                    .flatMap(group -> evaluateGroup(group._1, g, group._2, gtShared.value(), cats.value(), IouType.valueOf(typeLabel)).iterator())
                    .collect();
            all.unpersist();
            for (Tuple2<Integer, double[][]> n : numbers) {
                whole.putCategoryNumbers(n._1, n._2);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        if (strict || !quiet) {
            for (String line : leftOutLines) err.println(line);
            err.flush();
        }
        if (strict && !leftOutLines.isEmpty()) return ExitCodes.INPUT_FAILED;
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? CocoReport.json(whole, perClass) : CocoReport.text(whole, perClass));
        out.flush();
        if (!quiet) {
            err.printf(Locale.ROOT, "eval: %s, %d images, %d categories, %d ground truth, %d results in %.2f s%n",
                    type.label(), dataset.imageCount(), dataset.categoryCount(), dataset.annotationCount(), rows,
                    (System.nanoTime() - start) / 1e9);
            err.flush();
        }
        return StatGates.check(whole.summarize(), gates, err);
    }

    /**
     * What was left out, as {@code cvkit eval} says it: counted on the executors, with the first
     * few names in input order (a result set of millions can name millions of unknown images).
     */
    private List<String> leftOut(JavaRDD<Row> all) {
        JavaRDD<Row> left = all.filter(r -> r.json() == null);
        long[] counts = new long[4];
        List<String>[] names = new List[2];
        for (int kind = 0; kind < 2; kind++) {
            boolean image = kind == 0;
            JavaRDD<Row> mine = left.filter(r -> r.image() == image);
            counts[2 * kind + 1] = mine.count();
            if (counts[2 * kind + 1] == 0) {
                names[kind] = List.of();
                continue;
            }
            JavaPairRDD<String, Long> first = mine.mapToPair(r -> new Tuple2<>(r.unknown(), r.order())).reduceByKey(Math::min);
            counts[2 * kind] = first.count();
            names[kind] = first.map(t -> new Tuple2<>(t._2, t._1)).takeOrdered(5, new OrderFirst()).stream().map(t -> t._2).toList();
        }
        return dev.cvkit.coco.LeftOut.lines(counts[0], counts[1], names[0], counts[2], counts[3], names[1], String.join(" ", dt), gt, strict);
    }

    /** Orders (input position, name) pairs by position; serializable for takeOrdered. */
    private static final class OrderFirst implements java.util.Comparator<Tuple2<Long, String>>, java.io.Serializable {
        @Override
        public int compare(Tuple2<Long, String> a, Tuple2<Long, String> b) {
            return Long.compare(a._1, b._1);
        }
    }

    /** The result rows of every --dt, numbered in input order. */
    private JavaRDD<Row> results(JavaSparkContext sc, Broadcast<Map<String, Long>> images, Broadcast<Map<String, Long>> categories,
                                 Broadcast<Set<Long>> imageIds, Broadcast<Map<Long, Integer>> categoryIndex) throws IOException {
        List<JavaRDD<Row>> parts = new ArrayList<>();
        long fileNo = 0;
        for (String spec : dt) {
            long base = (fileNo++) << 40;
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(spec);
            FileSystem fs = p.getFileSystem(sc.hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new UserError(spec + ": no such file or folder (--dt)", ExitCodes.USAGE);
            }
            if (fs.getFileStatus(p).isFile() && spec.toLowerCase(Locale.ROOT).endsWith(".json")) {
                // a results array is one JSON document: one task reads it and numbers its rows
                parts.add(sc.binaryFiles(spec, 1).values()
                        .flatMap(stream -> arrayRows(spec, stream.toArray(), base, imageIds.value(), categoryIndex.value()).iterator()));
            } else {
                RunDir runs = RunDir.open(spec, sc.hadoopConfiguration());
                JavaRDD<String> lines = runs.hasRuns() ? runs.records(sc) : sc.textFile(spec);
                parts.add(lines.zipWithIndex().flatMap(t -> lineRows(t._1, base + t._2 * 1_000_000L, images.value(), categories.value(),
                        categoryIndex.value().keySet()).iterator()));
            }
        }
        JavaRDD<Row> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            all = all.union(parts.get(i));
        }
        return all;
    }

    private static List<Row> arrayRows(String file, byte[] bytes, long base, Set<Long> imageIds, Map<Long, Integer> categoryIndex)
            throws IOException {
        JsonNode arr;
        try {
            arr = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(file + ": not valid JSON (" + e.getOriginalMessage() + ")", ExitCodes.INPUT_FAILED);
        }
        if (arr == null || !arr.isArray()) {
            throw new UserError(file + ": a COCO results file is an array of results", ExitCodes.INPUT_FAILED);
        }
        List<Row> rows = new ArrayList<>(arr.size());
        long i = 0;
        for (JsonNode r : arr) {
            for (String field : List.of("image_id", "category_id", "score")) {
                if (!r.has(field)) {
                    throw new UserError(file + ": result " + (i + 1) + " has no '" + field + "'", ExitCodes.INPUT_FAILED);
                }
            }
            long order = base + i++;
            long image = r.path("image_id").asLong(Long.MIN_VALUE), category = r.path("category_id").asLong(Long.MIN_VALUE);
            if (!imageIds.contains(image)) {
                rows.add(Row.leftOut(order, "image_id " + r.path("image_id").asText(), true));
            } else if (!categoryIndex.containsKey(category)) {
                rows.add(Row.leftOut(order, "category_id " + r.path("category_id").asText(), false));
            } else {
                rows.add(Row.of(order, category, JSON.writeValueAsString(r)));
            }
        }
        return rows;
    }

    /**
     * detect's JSON line as COCO rows, read as {@code cvkit eval} reads JSON lines: the image by
     * file name (exact, else a unique base name), a detection's category by its id, else by label.
     */
    private static List<Row> lineRows(String line, long base, Map<String, Long> images, Map<String, Long> categories,
                                      java.util.Collection<Long> categoryIds) throws IOException {
        JsonNode r = JSON.readTree(line);
        if (r.has("error")) {
            return List.of();
        }
        String file = r.path("file").asText();
        Long image = images.get(file);
        if (image == null) {
            image = images.get("/" + baseName(file));
        }
        List<Row> rows = new ArrayList<>();
        long d = 0;
        if (image == null) {
            for (JsonNode ignored : r.path("detections")) rows.add(Row.leftOut(base + d++, file, true));
            return rows;
        }
        for (JsonNode det : r.path("detections")) {
            Long cat = det.has("category_id") ? Long.valueOf(det.path("category_id").asLong()) : categories.get(det.path("label").asText());
            if (cat == null || !categoryIds.contains(cat)) {
                rows.add(Row.leftOut(base + d++, det.has("category_id") ? "category_id " + det.path("category_id").asText()
                        : det.path("label").asText(), false));
                continue;
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("image_id", image);
            o.put("category_id", cat);
            o.set("bbox", det.path("bbox"));
            o.set("score", det.path("score"));
            rows.add(Row.of(base + d++, cat, JSON.writeValueAsString(o)));
        }
        return rows;
    }

    static String baseName(String path) {
        return path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    }

    /**
     * One task: cvkit's evaluation of the categories k with k mod groups = group, against the ground
     * truth with only those categories' annotations (all images and categories kept, so indices and
     * areas are the whole's), the rows in input order; returns each such category's numbers.
     */
    private static List<Tuple2<Integer, double[][]>> evaluateGroup(int group, int groups, Iterable<Row> rows, byte[] gtBytes,
                                                                   Map<Long, Integer> catIndex, IouType type) throws IOException {
        Set<Long> mine = new HashSet<>();
        for (Map.Entry<Long, Integer> e : catIndex.entrySet()) {
            if (e.getValue() % groups == group) {
                mine.add(e.getKey());
            }
        }
        ObjectNode gt = (ObjectNode) JSON.readTree(gtBytes);
        ArrayNode kept = JSON.createArrayNode();
        for (JsonNode a : gt.path("annotations")) {
            if (mine.contains(a.path("category_id").asLong())) {
                kept.add(a);
            }
        }
        gt.set("annotations", kept);
        List<Row> sorted = new ArrayList<>();
        rows.forEach(sorted::add);
        sorted.sort((a, b) -> Long.compare(a.order(), b.order()));
        Path gtFile = Files.createTempFile("cvkit-gt-", ".json");
        Path dtFile = Files.createTempFile("cvkit-dt-", ".json");
        try {
            JSON.writeValue(gtFile.toFile(), gt);
            try (var w = Files.newBufferedWriter(dtFile)) {
                w.write('[');
                for (int i = 0; i < sorted.size(); i++) {
                    if (i > 0) {
                        w.write(',');
                    }
                    w.write(sorted.get(i).json());
                }
                w.write(']');
            }
            CocoFiles.Loaded loaded = CocoFiles.read(gtFile, dtFile, type, 1, false);
            CocoEval eval = new CocoEval(loaded.gt(), loaded.results(), CocoParams.defaults(type));
            eval.evaluate();
            eval.accumulate();
            List<Tuple2<Integer, double[][]>> out = new ArrayList<>();
            for (int k : catIndex.values()) {
                if (k % groups == group) {
                    out.add(new Tuple2<>(k, eval.categoryNumbers(k)));
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(gtFile);
            Files.deleteIfExists(dtFile);
        }
    }
}
