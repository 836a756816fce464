/**
 * YOLO detectors trained by cvkit. {@link dev.cvkit.detection.yolo.YoloNet} is the modern
 * anchor-free multi-scale form (a CSP backbone, a PAN neck and a decoupled head per level,
 * distribution focal loss plus CIoU loss, task-aligned assignment), {@link
 * dev.cvkit.detection.yolo.YoloV1Net} the lecture's grid detector (S×S cells, B boxes per cell,
 * YOLO v1's sum-squared loss). Both are built from a {@link dev.cvkit.detection.yolo.YoloSpec}
 * and run behind {@link dev.cvkit.detection.yolo.YoloDetector}.
 */
package dev.cvkit.detection.yolo;
