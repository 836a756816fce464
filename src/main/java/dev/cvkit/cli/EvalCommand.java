package dev.cvkit.cli;

import dev.cvkit.UserError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit eval}: measures results against ground truth; the options given choose what is evaluated. */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        sortOptions = false,
        description = "Evaluate results against a COCO ground truth.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cvkit propose samples/ --format jsonl > props.jsonl",
            "  cvkit eval --proposals props.jsonl --gt samples/gt.json             recall and MABO vs. number of proposals",
            "",
            "Exit codes: 0 ok, 2 usage error or unreadable file."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--proposals", paramLabel = "RESULTS",
            description = "Proposals to evaluate: cvkit propose's JSON Lines or a COCO results file (ranked by score).")
    Path proposals;

    @Option(names = "--gt", paramLabel = "GT.json", description = "COCO ground truth.")
    Path gt;

    @Option(names = "--format", paramLabel = "FMT", description = "text, json or csv (default: text on a terminal, json when piped).")
    OutputFormat format;

    @Mixin
    RunOptions run = new RunOptions();

    @Override
    public Integer call() throws Exception {
        OutputFormat fmt = format != null ? format : (Terminal.stdoutIsTerminal() ? OutputFormat.TEXT : OutputFormat.JSON);
        if (proposals != null) {
            if (gt == null) {
                throw new UserError("--proposals needs --gt GT.json", ExitCodes.USAGE);
            }
            return ProposalEvalMode.run(proposals, gt, fmt, run.quiet, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        throw new UserError("nothing to evaluate: give --proposals RESULTS --gt GT.json", ExitCodes.USAGE);
    }
}
