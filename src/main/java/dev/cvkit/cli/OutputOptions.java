package dev.cvkit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where results go besides stdout: a format, a COCO file, annotated images. */
public final class OutputOptions {
    @Option(names = "--format", paramLabel = "FMT", completionCandidates = Completions.Formats.class,
            description = "Output on stdout: text (or table), jsonl or csv (default: text on a terminal, jsonl when piped).")
    public OutputFormat format;

    @Option(names = "--coco", paramLabel = "FILE", description = "Also write the results in COCO results format to FILE (atomically).")
    public Path coco;

    @Option(names = "--gt", paramLabel = "DATASET.json",
            description = "COCO dataset whose image ids (matched by file name) are used in --coco output.")
    public Path gt;

    @Option(names = "--strict", description = "With --gt: images that --gt lacks are errors (exit 1, all else still written) "
            + "instead of being left out of --coco with one counted warning line.")
    public boolean strict;

    @Option(names = "--save", paramLabel = "DIR", description = "Write annotated images to DIR, keeping each input's relative path.")
    public Path save;

    @Option(names = "--exist-ok", description = "Write into a --save folder that already holds files (default: a new numbered folder, DIR2, DIR3 ...).")
    public boolean existOk;
}
