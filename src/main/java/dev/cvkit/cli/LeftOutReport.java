package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.coco.LeftOut;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Says what was left out of results because the ground truth lacks its image or category: one
 * counted warning line each (unless --quiet), or with --strict one error line each and exit 1.
 * Shared by eval, detect --coco --gt and propose --coco --gt.
 */
final class LeftOutReport {
    private LeftOutReport() {}

    /** Prints the lines; returns {@link ExitCodes#INPUT_FAILED} if strict and anything was left out, else OK. */
    static int report(LeftOut l, String source, Path gt, boolean strict, boolean quiet, PrintWriter err) {
        if (l.isEmpty() || (quiet && !strict)) {
            return ExitCodes.OK;
        }
        String kind = strict ? "" : "warning: ";
        String how = strict ? " (--strict)" : "; left out (--strict makes this an error)";
        if (!l.images().isEmpty()) {
            err.println("cvkit: " + kind + source + ": " + count(l.images().size(), "image") + " not in " + gt
                    + " (" + count(l.imageResults(), "result") + "): " + preview(l.images()) + how);
        }
        if (!l.categories().isEmpty()) {
            err.println("cvkit: " + kind + source + ": " + count(l.categoryResults(), "result") + " of "
                    + count(l.categories().size(), "category", "categories") + " not in " + gt + ": " + preview(l.categories()) + how);
        }
        err.flush();
        return strict ? ExitCodes.INPUT_FAILED : ExitCodes.OK;
    }

    private static String count(int n, String one) {
        return count(n, one, one + "s");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The first few names; a long list would bury the line. */
    static String preview(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + ", ... (" + (names.size() - 5) + " more)";
    }
}
