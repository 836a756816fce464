package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import picocli.CommandLine.Option;

/** Options about how a command runs rather than what it computes. */
public final class RunOptions {
    @Option(names = "--threads", converter = Ranges.PositiveInt.class, paramLabel = "N",
            description = "Worker threads (default: all cores). Results are identical for any N.")
    public Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but errors.")
    public boolean quiet;

    @Option(names = "--debug", description = "Print stack traces for errors.")
    public boolean debug;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Random seed: same inputs and seed give the same output bytes (default: ${DEFAULT-VALUE}).")
    public long seed;

    /**
     * A bound on --threads: beyond a few per core, threads only add memory (each has its own
     * stack and buffers) and contention. 100000 threads took 8 GB.
     */
    static int maxThreads() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    /** The thread count to use, validated. */
    public int threadCount() {
        if (threads == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (threads < 1 || threads > maxThreads()) {
            throw new dev.cvkit.UserError("--threads must be from 1 to " + maxThreads() + " (4 per core), got " + threads, ExitCodes.USAGE);
        }
        return threads;
    }
}
