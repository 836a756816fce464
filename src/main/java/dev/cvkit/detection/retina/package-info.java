/**
 * RetinaNet (Lin et al. 2017, "Focal Loss for Dense Object Detection") as torchvision 0.14 has
 * it: the shared classification and box subnets over a P3–P7 pyramid
 * ({@link dev.cvkit.detection.retina.RetinaHead}), the focal and L1 losses
 * ({@link dev.cvkit.detection.retina.RetinaLosses}) and the decoding of detections
 * ({@link dev.cvkit.detection.retina.RetinaDecoder}), assembled into a trainable network on a
 * ResNet ({@link dev.cvkit.detection.retina.RetinaNet}, built from a
 * {@link dev.cvkit.detection.retina.RetinaNetSpec}). The pyramid is
 * {@code dev.cvkit.detection.rcnn.FeaturePyramid} with P6/P7; anchors and matching come from
 * {@code dev.cvkit.detection.targets}.
 */
package dev.cvkit.detection.retina;
