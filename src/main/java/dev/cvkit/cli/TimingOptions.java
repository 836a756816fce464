package dev.cvkit.cli;

import picocli.CommandLine.Option;

/** Whether per-image times go on stdout; off so that the same inputs give the same bytes. */
public final class TimingOptions {
    @Option(names = "--timings",
            description = "Add each image's time to stdout (\"ms\" in JSON, a column in text). Off by default so that the same "
                    + "inputs give the same bytes; the mean time per stage is printed on stderr at the end either way.")
    public boolean timings;
}
