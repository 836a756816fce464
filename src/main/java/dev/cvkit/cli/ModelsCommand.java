package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.models.Architecture;
import dev.cvkit.models.Models;
import dev.cvkit.models.Summary;
import dev.cvkit.tensor.Parallel;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cvkit models}: lists the architectures; {@code models summary NAME} prints a layer table. */
@Command(name = "models", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the classification architectures cvkit builds.",
        subcommands = {ModelsCommand.SummaryCommand.class, ModelsImportCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  cvkit models", "  cvkit models summary resnet18", "  cvkit models import --from tfjs PATH --arch nanodet --out models/nanodet.safetensors", "  cvkit models summary alexnet --format json | jq .layers[0]"})
public final class ModelsCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FMT", description = "text or jsonl (default: text on a terminal, jsonl when piped).")
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat f = OutputFormat.resolve(format);
        for (Architecture a : Architecture.values()) {
            if (f == OutputFormat.TEXT) {
                out.printf("%-14s %-11s %s%n", a.cliName(), a.defaultChannels + "x" + a.defaultSize + "x" + a.defaultSize, a.description);
            } else {
                ObjectNode o = JSON.createObjectNode();
                o.put("name", a.cliName());
                o.putArray("input").add(a.defaultChannels).add(a.defaultSize).add(a.defaultSize);
                o.put("description", a.description);
                out.println(JSON.writeValueAsString(o));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code cvkit models summary NAME}: per-layer output shape, parameters, multiply-adds. */
    @Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Per layer: output shape, parameters and multiply-adds (like the lecture's tables).",
            footerHeading = "%nExamples:%n",
            footer = {"  cvkit models summary alexnet", "  cvkit models summary resnet50 --input 3x160x160 --format json"})
    static final class SummaryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Architecture (see 'cvkit models').")
        String name;

        @Option(names = "--input", paramLabel = "CxHxW", description = "Input size (default: the architecture's).")
        String input;

        @Option(names = "--classes", paramLabel = "N", defaultValue = "1000", description = "Output classes (default: ${DEFAULT-VALUE}).")
        int classes;

        @Option(names = "--format", paramLabel = "FMT", description = "text, json or jsonl (default: text on a terminal, json when piped).")
        OutputFormat format;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            Architecture a = Architecture.parse(name);
            if (a == null) {
                throw new UserError("unknown architecture '" + name + "' (one of: "
                        + Arrays.stream(Architecture.values()).map(Architecture::cliName).collect(Collectors.joining(", ")) + ")",
                        ExitCodes.USAGE);
            }
            if (classes < 1) throw new UserError("--classes must be at least 1", ExitCodes.USAGE);
            int[] chw = input == null ? new int[] {a.defaultChannels, a.defaultSize, a.defaultSize} : parseInput(input);
            Parallel.setThreads(run.threadCount());
            Summary.Result s;
            try {
                s = Summary.of(a.cliName(), Models.buildUninitialized(a, classes), chw[0], chw[1], chw[2]);
            } catch (IllegalArgumentException e) {
                throw new UserError("--input " + input + " does not fit " + a.cliName() + " (" + e.getMessage() + ")", ExitCodes.USAGE);
            }
            PrintWriter out = spec.commandLine().getOut();
            OutputFormat f = format == null ? (Terminal.stdoutIsTerminal() ? OutputFormat.TEXT : OutputFormat.JSON) : format;
            if (f == OutputFormat.CSV) throw new UserError("--format csv is not supported here (text, json, jsonl)", ExitCodes.USAGE);
            if (f == OutputFormat.TEXT) {
                out.printf("%-34s %-18s %-16s %14s %16s%n", "layer", "type", "output", "params", "MACs");
                for (Summary.Layer l : s.layers()) {
                    out.printf("%-34s %-18s %-16s %,14d %,16d%n", l.name(), l.type(), shape(l.output()), l.params(), l.macs());
                }
                out.printf("%s: %,d parameters, %,d multiply-adds for a %s input%n", s.name(), s.params(), s.macs(), shape(chw));
            } else {
                ObjectNode o = JSON.createObjectNode();
                o.put("name", s.name());
                o.put("params", s.params());
                o.put("macs", s.macs());
                o.putArray("input").add(chw[0]).add(chw[1]).add(chw[2]);
                ArrayNode layers = o.putArray("layers");
                for (Summary.Layer l : s.layers()) {
                    ObjectNode lo = layers.addObject();
                    lo.put("name", l.name());
                    lo.put("type", l.type());
                    ArrayNode sh = lo.putArray("output");
                    for (int d : l.output()) sh.add(d);
                    lo.put("params", l.params());
                    lo.put("macs", l.macs());
                }
                out.println(f == OutputFormat.JSON ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) : JSON.writeValueAsString(o));
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static String shape(int[] s) {
            return Arrays.stream(s).mapToObj(Integer::toString).collect(Collectors.joining("x"));
        }

        static int[] parseInput(String s) {
            String[] p = s.toLowerCase().split("x");
            try {
                if (p.length != 3) throw new NumberFormatException();
                int[] r = {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())};
                if (r[0] < 1 || r[1] < 1 || r[2] < 1 || (long) r[0] * r[1] * r[2] > 100_000_000L) throw new NumberFormatException();
                return r;
            } catch (NumberFormatException e) {
                throw new UserError("--input '" + s + "' is not CxHxW with positive sizes (e.g. 3x224x224)", ExitCodes.USAGE);
            }
        }
    }
}
