package dev.cvkit.models;

import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;

/** Conveniences around {@link Architecture#build}. */
public final class Models {
    private Models() {}

    /** Builds with zero weights (no random draws): for summaries or before loading weights. */
    public static Module buildUninitialized(Architecture a, int classes) {
        try (AutoCloseable s = Init.skipScope()) {
            return a.build(classes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
