package dev.cvkit.proposals;

import dev.cvkit.image.ColourSpace;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The three diversification settings, as in Uijlings et al. and OpenCV's switchTo… methods:
 * which colour spaces, graph-segmentation thresholds k and similarity sums are combined.
 */
public enum SelectiveSearchMode {
    SINGLE(List.of(ColourSpace.HSV), new float[] {200}, List.of(EnumSet.allOf(Similarity.class))),
    FAST(List.of(ColourSpace.HSV, ColourSpace.LAB), new float[] {150, 300, 450},
            List.of(EnumSet.allOf(Similarity.class), EnumSet.of(Similarity.TEXTURE, Similarity.SIZE, Similarity.FILL))),
    QUALITY(List.of(ColourSpace.HSV, ColourSpace.LAB, ColourSpace.INTENSITY, ColourSpace.HUE, ColourSpace.RGI),
            new float[] {150, 300, 450, 600},
            List.of(EnumSet.allOf(Similarity.class), EnumSet.of(Similarity.TEXTURE, Similarity.SIZE, Similarity.FILL),
                    EnumSet.of(Similarity.FILL), EnumSet.of(Similarity.SIZE)));

    /** Gaussian smoothing before graph segmentation (Felzenszwalb's σ). */
    public static final double SIGMA = 0.8;
    /** Smallest initial segment in pixels (OpenCV's graph-segmentation default). */
    public static final int MIN_SIZE = 100;

    private final List<ColourSpace> colourSpaces;
    private final float[] ks;
    private final List<Set<Similarity>> similarities;

    SelectiveSearchMode(List<ColourSpace> colourSpaces, float[] ks, List<Set<Similarity>> similarities) {
        this.colourSpaces = colourSpaces;
        this.ks = ks;
        this.similarities = similarities;
    }

    public List<ColourSpace> colourSpaces() { return colourSpaces; }

    public float[] ks() { return ks.clone(); }

    public List<Set<Similarity>> similarities() { return similarities; }
}
