package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvkit.io.Json;
import dev.cvkit.proposals.GroundTruth;
import dev.cvkit.proposals.ProposalQuality;
import dev.cvkit.proposals.ProposalResults;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code cvkit eval --proposals RESULTS --gt GT.json}: recall and MABO against the number of proposals. */
final class ProposalEvalMode {
    private ProposalEvalMode() {}

    static int run(Path results, Path gtFile, OutputFormat format, boolean strict, boolean quiet, PrintWriter out, PrintWriter err)
            throws IOException {
        GroundTruth gt = GroundTruth.load(gtFile);
        ProposalResults.Loaded loaded = ProposalResults.load(results, gt);
        if (LeftOutReport.report(loaded.leftOut(), results.toString(), gtFile, strict, quiet, err) != ExitCodes.OK) {
            return ExitCodes.INPUT_FAILED;
        }
        if (!quiet) {
            long missing = gt.images().stream().filter(im -> !im.boxes().isEmpty() && !loaded.boxes().containsKey(im.id())).count();
            if (missing > 0) {
                err.println("cvkit: note: " + missing + " annotated image(s) of " + gtFile + " have no proposals and count as missed");
            }
            err.flush();
        }
        List<ProposalQuality.Row> rows = ProposalQuality.evaluate(gt, loaded.boxes(), ProposalQuality.DEFAULT_NS);
        if (format == OutputFormat.JSON || format == OutputFormat.JSONL) {
            StringWriter sw = new StringWriter();
            try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(sw)) {
                g.writeStartObject();
                g.writeArrayFieldStart("rows");
                for (ProposalQuality.Row r : rows) {
                    g.writeStartObject();
                    if (r.n() == ProposalQuality.ALL) {
                        g.writeStringField("n", "all");
                    } else {
                        g.writeNumberField("n", r.n());
                    }
                    g.writeNumberField("recall50", r.recall50());
                    g.writeNumberField("recall70", r.recall70());
                    g.writeNumberField("mabo", r.mabo());
                    g.writeNumberField("mean_proposals", r.meanProposals());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            out.println(sw);
        } else if (format == OutputFormat.CSV) {
            out.println("n,recall50,recall70,mabo,mean_proposals");
            for (ProposalQuality.Row r : rows) {
                out.printf(Locale.ROOT, "%s,%.6f,%.6f,%.6f,%.1f%n", label(r), r.recall50(), r.recall70(), r.mabo(), r.meanProposals());
            }
        } else {
            out.printf("%-6s %10s %10s %8s %10s%n", "N", "RECALL@0.5", "RECALL@0.7", "MABO", "USED/IMG");
            for (ProposalQuality.Row r : rows) {
                out.printf(Locale.ROOT, "%-6s %10.4f %10.4f %8.4f %10.1f%n", label(r), r.recall50(), r.recall70(), r.mabo(), r.meanProposals());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String label(ProposalQuality.Row r) {
        return r.n() == ProposalQuality.ALL ? "all" : Integer.toString(r.n());
    }
}
