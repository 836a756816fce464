/**
 * What a detector is trained to predict, as torchvision's detection models define it: anchors
 * per feature-map position ({@link dev.cvkit.detection.targets.AnchorGenerator}), the box
 * coder between boxes and regression deltas ({@link dev.cvkit.detection.targets.BoxCoder}) and
 * the IoU matcher that assigns ground truth to anchors or proposals
 * ({@link dev.cvkit.detection.targets.Matcher}). The RPN, Fast/Faster R-CNN, SSD and
 * RetinaNet heads share them; each reproduces torchvision 0.14's float32 arithmetic.
 */
package dev.cvkit.detection.targets;
