package dev.cvkit.importer.tfjs;

/** A file an import read, for provenance: its name (relative to the model folder), size and SHA-256 (hex). */
public record SourceFile(String name, long bytes, String sha256) {}
