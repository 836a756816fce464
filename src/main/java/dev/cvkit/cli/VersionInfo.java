package dev.cvkit.cli;

import picocli.CommandLine.IVersionProvider;

/** --version: cvkit plus the native libraries actually loaded and the Java runtime. */
public final class VersionInfo implements IVersionProvider {
    public static final String VERSION = dev.cvkit.Version.VERSION;

    @Override
    public String[] getVersion() {
        return new String[] {
            "cvkit " + VERSION,
            "OpenCV " + opencv(),
            "OpenBLAS " + openblas(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }

    static String opencv() {
        try {
            return org.bytedeco.opencv.global.opencv_core.CV_VERSION();
        } catch (Throwable t) {
            return "unavailable (" + t.getMessage() + ")";
        }
    }

    static String openblas() {
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.openblas.global.openblas_full.class);
            String cfg = org.bytedeco.openblas.global.openblas_full.openblas_get_config().getString();
            return cfg.trim();
        } catch (Throwable t) {
            return "unavailable (" + t.getMessage() + ")";
        }
    }
}
