package dev.cvkit.detection;

import java.util.Locale;

/** The detector architectures cvkit builds, by the name used in model files and on the command line. */
public enum Architecture {
    SSD_MOBILENETV1_FACE("ssd-mobilenetv1-face"),
    TINY_FACE("tiny-face"),
    NANODET("nanodet"),
    CENTERNET("centernet");

    private final String id;

    Architecture(String id) { this.id = id; }

    public String id() { return id; }

    /** The architecture called {@code id}, or null. */
    public static Architecture byId(String id) {
        for (Architecture a : values()) {
            if (a.id.equals(id.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }

    /** A fresh network of this architecture (weights zero until loaded). */
    public dev.cvkit.nn.Module newNetwork() {
        return switch (this) {
            case SSD_MOBILENETV1_FACE -> new SsdMobileNetV1Face();
            case TINY_FACE -> new TinyFaceNet();
            case NANODET -> new NanoDetNet();
            case CENTERNET -> new CenterNetNet();
        };
    }
}
