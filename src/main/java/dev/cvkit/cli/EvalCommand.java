package dev.cvkit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoEval;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.coco.CocoParams;
import dev.cvkit.coco.CocoResults;
import dev.cvkit.coco.IouType;
import dev.cvkit.coco.PrCurvePlots;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvkit eval}: evaluation modes chosen by which options are given. Today: COCO
 * detection evaluation ({@code --gt} + {@code --dt}). Each mode is one private method; the
 * choice and its usage errors live in {@link #mode()}, so further modes (proposal recall,
 * model evaluation) slot in beside it.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate results against ground truth.",
            "COCO mode (--gt + --dt): bbox or segm AP/AR with pycocotools' definitions and numbers.",
            "Classifier mode (--model + --data): top-1/top-5, per-class precision/recall/F1, confusion matrix."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  cvkit eval --gt instances_val.json --dt results.json",
            "  cvkit eval --gt gt.json --dt masks.json --iou-type segm --per-class --format json",
            "  cvkit detect photos/ | tee det.jsonl; cvkit eval --gt gt.json --dt det.jsonl --min AP=0.30,AP50=0.50",
            "  cvkit eval --model runs/classify/lenet5/best.safetensors --data data/cache/mnist --split test --min top1=0.99",
            "",
            "Exit codes: 0 ok; 1 a file is malformed or does not match the ground truth; 2 usage error or",
            "missing file; 3 a --min gate was missed."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gt", paramLabel = "GT.json", description = "COCO ground truth (images, annotations, categories).")
    Path gt;

    @Option(names = "--dt", paramLabel = "RESULTS",
            description = "Results: a COCO results JSON array, or JSON Lines as cvkit's commands write them "
                    + "(one object per image: file, width, height, detections).")
    Path dt;

    @Option(names = "--iou-type", paramLabel = "TYPE", defaultValue = "bbox",
            description = "bbox or segm (default: ${DEFAULT-VALUE}).")
    IouType iouType;

    @Option(names = "--max-dets", paramLabel = "N,N,N", split = ",",
            description = "The three per-image detection limits (default: 1,10,100). "
                    + "As in pycocotools, AP (the first stat) is reported at maxDets=100 and is -1 if 100 is not among them.")
    List<Integer> maxDets;

    @Option(names = "--per-class", description = "Also report AP, AP50, AP75 and AR per category.")
    boolean perClass;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write precision-recall curves (overall and per class) as PNG files into DIR.")
    Path plots;

    @Option(names = "--min", paramLabel = "STAT=VALUE", split = ",",
            description = "Quality gate: exit 3 if a stat is below its minimum, e.g. AP=0.30,AP50=0.50. "
                    + "Stats: AP AP50 AP75 APs APm APl AR1 AR10 AR100 ARs ARm ARl.")
    Map<String, Double> min = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (pycocotools' 12-line summary) or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--model", paramLabel = "M", description = "Classifier mode: a model trained by 'cvkit train'.")
    Path model;

    @Option(names = "--data", paramLabel = "D", description = "Classifier mode: labelled data (class folders, idx folder, or .csv/.jsonl list).")
    Path data;

    @Option(names = "--split", paramLabel = "SPLIT",
            description = "Classifier mode: which part of --data: train, test or val (default: test where there is one, else all of it).")
    String split;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128", description = "Classifier mode: batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "100000000",
            description = "Classifier mode: refuse images with more pixels than this (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Mixin
    RunOptions run;

    private enum Mode { COCO, CLASSIFY }

    @Override
    public Integer call() {
        return switch (mode()) {
            case COCO -> runCoco();
            case CLASSIFY -> ClassifyEvalMode.run(model, data, split, batch, jsonFormat(), perClass, plots, min, maxPixels, run,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        };
    }

    /** Which evaluation the given options ask for; a usage error if none or a mix. */
    private Mode mode() {
        if (model != null || data != null) {
            if (gt != null || dt != null) {
                throw usage("give either --model/--data (classifier) or --gt/--dt (COCO), not both");
            }
            if (model == null || data == null) {
                throw usage(model == null ? "--data needs --model M" : "--model needs --data D");
            }
            return Mode.CLASSIFY;
        }
        if (gt == null && dt == null) {
            throw usage("nothing to evaluate: give --gt GT.json --dt RESULTS, or --model M --data D");
        }
        if (gt == null) {
            throw usage("--dt needs --gt GT.json");
        }
        if (dt == null) {
            throw usage("--gt needs --dt RESULTS");
        }
        return Mode.COCO;
    }

    private boolean jsonFormat() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "json", "jsonl" -> true;
            default -> throw usage("--format must be text or json, got '" + format + "'");
        };
    }

    private int runCoco() {
        boolean json = jsonFormat();
        CocoParams params = CocoParams.defaults(iouType);
        if (maxDets != null) {
            params = params.withMaxDets(checkMaxDets());
        }
        Map<String, Double> gates = checkGates();
        int threads = run.threadCount();
        requireFile(gt, "--gt");
        requireFile(dt, "--dt");

        long start = System.nanoTime();
        CocoEval eval;
        CocoDataset gtData;
        CocoResults results;
        try {
            // The two files are independent until ids are resolved: read them at the same time.
            CompletableFuture<CocoResults.Parsed> parsed = threads > 1
                    ? CompletableFuture.supplyAsync(() -> CocoResults.parse(dt))
                    : CompletableFuture.completedFuture(null);
            gtData = CocoDataset.read(gt);
            CocoResults.Parsed raw = threads > 1 ? join(parsed) : CocoResults.parse(dt);
            results = raw.resolve(gtData);
            eval = new CocoEval(gtData, results, params).threads(threads);
            eval.evaluate();
            eval.accumulate();
        } catch (CocoFormatException e) {
            throw new UserError(e.getMessage(), ExitCodes.INPUT_FAILED, e);
        }
        double[] stats = eval.summarize();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(eval, stats) : text(eval));
        out.flush();
        if (plots != null) {
            try {
                PrCurvePlots.write(eval, plots);
            } catch (IOException e) {
                throw new UserError(plots + ": cannot write plots (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        if (!run.quiet) {
            err.printf(Locale.ROOT, "eval: %s, %d images, %d categories, %d ground truth, %d results in %.2f s%n",
                    iouType.label(), gtData.imageCount(), gtData.categoryCount(), gtData.annotationCount(),
                    results.size(), (System.nanoTime() - start) / 1e9);
        }
        return gate(stats, gates, err);
    }

    private static CocoResults.Parsed join(CompletableFuture<CocoResults.Parsed> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private int[] checkMaxDets() {
        if (maxDets.size() != 3) {
            throw usage("--max-dets takes three numbers (pycocotools' summary reads three), got " + maxDets.size());
        }
        int[] md = new int[3];
        for (int i = 0; i < 3; i++) {
            md[i] = maxDets.get(i);
            if (md[i] < 1) {
                throw usage("--max-dets values must be at least 1, got " + md[i]);
            }
            for (int j = 0; j < i; j++) {
                if (md[j] == md[i]) {
                    throw usage("--max-dets values must differ, got " + md[i] + " twice");
                }
            }
        }
        return md;
    }

    private Map<String, Double> checkGates() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : min.entrySet()) {
            String name = null;
            for (String s : CocoEval.STAT_NAMES) {
                if (s.equalsIgnoreCase(e.getKey().trim())) {
                    name = s;
                }
            }
            if (name == null) {
                throw usage("--min: unknown stat '" + e.getKey() + "' (use " + String.join(" ", CocoEval.STAT_NAMES) + ")");
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw usage("--min " + name + ": the minimum must be a number");
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    private int gate(double[] stats, Map<String, Double> gates, PrintWriter err) {
        boolean failed = false;
        for (Map.Entry<String, Double> g : gates.entrySet()) {
            double v = stats[CocoEval.STAT_NAMES.indexOf(g.getKey())];
            if (v < g.getValue()) {
                failed = true;
                err.printf(Locale.ROOT, "cvkit: gate failed: %s = %.4f is below the minimum %s%n", g.getKey(), v, g.getValue());
            }
        }
        err.flush();
        return failed ? ExitCodes.GATE_FAILED : ExitCodes.OK;
    }

    private String text(CocoEval eval) {
        StringBuilder sb = new StringBuilder();
        for (String line : eval.summaryLines()) {
            sb.append(line).append('\n');
        }
        if (perClass) {
            List<CocoEval.CategoryResult> rows = eval.perCategory();
            int width = 8;
            for (CocoEval.CategoryResult r : rows) {
                width = Math.max(width, r.name().length());
            }
            String ar = "AR" + eval.params().maxDets()[eval.params().m() - 1];
            sb.append('\n').append(String.format(Locale.ROOT, "%-" + width + "s %8s %7s %7s %7s %7s%n",
                    "category", "id", "AP", "AP50", "AP75", ar));
            for (CocoEval.CategoryResult r : rows) {
                sb.append(String.format(Locale.ROOT, "%-" + width + "s %8d %7.3f %7.3f %7.3f %7.3f%n",
                        r.name(), r.id(), r.ap(), r.ap50(), r.ap75(), r.ar()));
            }
        }
        return sb.toString();
    }

    private String json(CocoEval eval, double[] stats) {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
            g.writeStartObject();
            g.writeStringField("iou_type", iouType.label());
            g.writeArrayFieldStart("stats");
            for (double v : stats) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("stats_named");
            for (int i = 0; i < stats.length; i++) {
                g.writeNumberField(CocoEval.STAT_NAMES.get(i), stats[i]);
            }
            g.writeEndObject();
            if (perClass) {
                String ar = "AR" + eval.params().maxDets()[eval.params().m() - 1];
                g.writeArrayFieldStart("per_class");
                for (CocoEval.CategoryResult r : eval.perCategory()) {
                    g.writeStartObject();
                    g.writeNumberField("id", r.id());
                    g.writeStringField("name", r.name());
                    g.writeNumberField("AP", r.ap());
                    g.writeNumberField("AP50", r.ap50());
                    g.writeNumberField("AP75", r.ap75());
                    g.writeNumberField(ar, r.ar());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw + "\n";
    }

    private void requireFile(Path p, String option) {
        if (!Files.exists(p)) {
            throw new UserError(p + ": no such file (" + option + ")", ExitCodes.USAGE);
        }
        if (Files.isDirectory(p)) {
            throw new UserError(p + ": is a directory, expected a JSON file (" + option + ")", ExitCodes.USAGE);
        }
        if (!Files.isReadable(p)) {
            throw new UserError(p + ": cannot read (" + option + ")", ExitCodes.USAGE);
        }
    }

    private UserError usage(String message) {
        return new UserError(message + " (see 'cvkit eval --help')", ExitCodes.USAGE);
    }

}
