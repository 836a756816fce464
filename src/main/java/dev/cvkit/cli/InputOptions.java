package dev.cvkit.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Inputs shared by every image command: files, folders, globs, or '-' for paths on stdin. */
public final class InputOptions {
    @Parameters(paramLabel = "INPUT", arity = "0..*",
            description = "Image files, folders (walked recursively, sorted), globs, http(s):// URLs, or '-' to read paths from stdin. "
                    + "With no INPUT and stdin a pipe, paths are read from stdin.")
    public List<String> inputs = new ArrayList<>();

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "100000000", converter = Ranges.PositiveLong.class,
            description = "Refuse images with more pixels than this, before decoding where the header allows (default: ${DEFAULT-VALUE}).")
    public long maxPixels;
}
