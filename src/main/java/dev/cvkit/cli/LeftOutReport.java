package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.coco.LeftOut;
import java.io.PrintWriter;
import java.nio.file.Path;

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
        for (String line : l.lines(source, String.valueOf(gt), strict)) err.println(line);
        err.flush();
        return strict ? ExitCodes.INPUT_FAILED : ExitCodes.OK;
    }
}
