package dev.cvkit.classify;

import dev.cvkit.nn.Module;

/** Builds a freshly initialised network for an architecture name (see {@link Architectures}). */
@FunctionalInterface
public interface ArchFactory {
    /**
     * @return a network mapping float[N, channels, height, width] to logits float[N, numClasses]
     */
    Module create(String arch, int numClasses, int channels, int height, int width);
}
