package dev.cvkit.timing;

/** The parts of one image's processing, as Ultralytics reports them. */
public enum Stage {
    /** Reading and decoding the file, resizing and normalising it for the model. */
    PREPROCESS("preprocess"),
    /** The model itself (or the proposal search). */
    INFERENCE("inference"),
    /** Decoding the model's output: boxes, NMS, top-k. */
    POSTPROCESS("postprocess");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
