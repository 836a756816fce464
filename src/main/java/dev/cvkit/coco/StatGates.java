package dev.cvkit.coco;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --min STAT=VALUE} quality gates on COCO's 12 summary stats, as CI jobs use them: a
 * stat below its minimum is one line on stderr and exit 3. Shared by {@code cvkit eval} and the
 * Spark evaluation, so both read and judge the gates alike.
 */
public final class StatGates {
    private StatGates() {}

    /**
     * The gates by the stat's canonical name ({@code ap50} → {@code AP50}); an unknown stat or a
     * minimum that is not a finite number is a usage error naming {@code help}.
     */
    public static Map<String, Double> parse(Map<String, Double> min, String help) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : min.entrySet()) {
            String name = null;
            for (String s : CocoEval.STAT_NAMES) {
                if (s.equalsIgnoreCase(e.getKey().trim())) {
                    name = s;
                }
            }
            if (name == null) {
                throw new UserError("--min: unknown stat '" + e.getKey() + "' (use " + String.join(" ", CocoEval.STAT_NAMES) + ")" + help,
                        ExitCodes.USAGE);
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new UserError("--min " + name + ": the minimum must be a number" + help, ExitCodes.USAGE);
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /** One line per missed gate on {@code err}; {@link ExitCodes#GATE_FAILED} if any was missed, else OK. */
    public static int check(double[] stats, Map<String, Double> gates, PrintWriter err) {
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
}
