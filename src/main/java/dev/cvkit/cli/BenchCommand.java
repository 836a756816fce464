package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.models.Benchmarks;
import dev.cvkit.tensor.Parallel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit bench}: the engine's speed cases, comparable with tools/bench/torch_bench.py. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the CNN engine's speed (cases and fields as tools/bench/torch_bench.py).",
                "Cases: sgemm, conv2d forward (3 shapes), LeNet-5 and ResNet-20 training steps, resnet18 inference",
                "(batch 1 and 8), NMS (2000 boxes), RoI Align (512 RoIs, aligned false and true), Faster and Mask",
                "R-CNN training steps (ResNet-18 FPN, batch 8 at 160x160), FCN-ResNet50 inference (320x320) and",
                "RoI Align backward. The random boxes follow torch_bench.py's distribution from a seeded",
                "java.util.Random (not the same values).",
                "conv2d records add gemm_gflops: OpenBLAS alone on each image's GEMM, the ceiling of im2col + GEMM.",
                "Training and resnet18 records add gemm_ms (time inside OpenBLAS per call, summed over threads),",
                "gemm_gflops_achieved and gemm_share (gemm_ms over the call's time): what the Java around it costs.",
                "R-CNN steps run AdamW at learning rate 0 (as torch_bench.py), so every step does the same work.",
                "Each case warms up at least 5 s, then until the JIT has settled (compiling under 1/20 of a 1 s window,",
                "at most 45 s; warmup_s). Records name the OpenBLAS kernels (openblas_coretype) and the collector.",
                "Compare ratios measured in one sitting on one machine."},
        footerHeading = "%nExamples:%n",
        footer = {"  cvkit bench --threads 1 --format jsonl", "  cvkit bench --threads 2 --reps 3"})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class, description = "text or jsonl (default: text on a terminal, jsonl when piped).")
    OutputFormat format;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5", description = "Timed repetitions, median reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--min-rep-s", paramLabel = "S", defaultValue = "0.3", description = "Minimum seconds per repetition (default: ${DEFAULT-VALUE}).")
    double minRepSeconds;

    @Option(names = "--case", paramLabel = "NAME", description = "Run only the cases whose name starts with NAME (sgemm, conv2d, train_lenet5, train_resnet20, infer_resnet18, nms, roi_align, train_fasterrcnn_r18fpn, train_maskrcnn_r18fpn, infer_fcn_resnet50, roi_align_backward).")
    String only;

    @Override
    public Integer call() {
        if (reps < 1 || minRepSeconds < 0) throw new UserError("--reps must be >= 1 and --min-rep-s >= 0", ExitCodes.USAGE);
        if (only != null && Benchmarks.caseNames().stream().noneMatch(c -> c.startsWith(only))) {
            throw new UserError("--case '" + only + "' matches no case (" + String.join(", ", Benchmarks.caseNames()) + ")",
                    ExitCodes.USAGE);
        }
        int threads = run.threadCount();
        Parallel.setThreads(threads);
        OutputFormat f = OutputFormat.resolve(format);
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper json = new ObjectMapper();
        new Benchmarks(threads, reps, minRepSeconds, (ObjectNode o) -> {
            if (f == OutputFormat.TEXT) {
                String what = o.has("name") ? o.get("name").asText() : o.has("batch") ? "batch " + o.get("batch").asInt()
                        : o.has("aligned") ? (o.get("aligned").asBoolean() ? "aligned" : "unaligned")
                        : o.has("boxes") ? o.get("boxes").asInt() + " boxes" : "";
                String value = o.has("gflops") ? o.get("gflops").asDouble() + " GFLOPS"
                        : o.has("us_per_call") ? o.get("us_per_call").asDouble() + " us/call"
                        : o.has("ms_per_call") ? o.get("ms_per_call").asDouble() + " ms/call"
                        : o.get("images_per_s").asDouble() + " img/s";
                out.printf("%-16s %-26s threads %d  %s%n", o.get("case").asText(), what, threads, value);
            } else {
                try {
                    out.println(json.writeValueAsString(o));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            out.flush();
        }).run(only);
        return ExitCodes.OK;
    }
}
