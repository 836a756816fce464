package dev.cvkit;

/** cvkit's version, recorded in model files and printed by {@code cvkit --version}. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
