package dev.cvkit.detection;

/**
 * One detected object in original image pixels: box {@code [x, y, w, h]} (top-left corner, width,
 * height), confidence score, class index into the detector's class list, and the class name.
 */
public record Detection(float x, float y, float w, float h, float score, int classIndex, String label) {}
