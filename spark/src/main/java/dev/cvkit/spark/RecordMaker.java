package dev.cvkit.spark;

import java.io.Serializable;

/** Makes the JSON line of one image from its bytes (and any files it writes), with the same engine code as the CLI. */
@FunctionalInterface
interface RecordMaker {
    /** {@code t0}: System.nanoTime() when reading the image started (the CLI's "ms" for classify and propose counts from there). */
    String line(ImageItem item, byte[] bytes, long t0) throws Exception;

    /**
     * What a job ships to its executors: the options and the model's bytes (a broadcast). Each
     * executor JVM builds the maker once per {@link #key()} and shares it between its tasks.
     */
    interface Spec extends Serializable {
        /** Identifies the maker: the same key builds the same maker. */
        String key();

        RecordMaker build() throws Exception;
    }
}
