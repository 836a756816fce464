package dev.cvkit.data;

/**
 * One mini-batch, ready for a model.
 *
 * @param images  float[size × channels × height × width], NCHW, preprocessed
 * @param labels  int[size], class indices
 * @param indices int[size], each sample's index in the loader's dataset (for messages and outputs)
 */
public record Batch(float[] images, int[] labels, int[] indices, int size, int channels, int height, int width) {
    /** Floats per sample. */
    public int sampleSize() {
        return channels * height * width;
    }
}
