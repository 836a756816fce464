package dev.cvkit.data;

import dev.cvkit.image.Pixels;
import java.util.List;

/**
 * A labelled image collection with random access. Implementations are safe to read from many
 * threads at once; {@link #image} may decode a file each time (folders and lists stream, only
 * idx files live in memory).
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** Class names; a label is an index into this list. */
    List<String> classes();

    /** Label of sample i, in [0, classes().size()). */
    int label(int i);

    /** The image of sample i; a decoding failure is a {@link dev.cvkit.UserError} naming the sample. */
    Pixels image(int i);

    /** Where sample i comes from, for messages and outputs (a path, or {@code file#index}). */
    String name(int i);

    /** One-line description: what was opened and how many samples and classes it holds. */
    String describe();
}
