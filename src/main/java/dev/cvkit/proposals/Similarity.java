package dev.cvkit.proposals;

/** The region similarities of selective search; a strategy sums a subset of them. */
public enum Similarity {
    /** Histogram intersection of colour histograms (25 bins a channel). */
    COLOUR,
    /** Histogram intersection of oriented-gradient histograms (8 orientations × 10 bins a channel). */
    TEXTURE,
    /** Prefers merging small regions first, so regions of all sizes appear at every scale. */
    SIZE,
    /** Prefers regions that fill each other's holes: 1 − (bounding box − both areas) / image. */
    FILL
}
