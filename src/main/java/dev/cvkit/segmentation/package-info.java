/**
 * Semantic segmentation: a class score for every pixel. {@link dev.cvkit.segmentation.Fcn} is the
 * fully convolutional network (Long et al. 2015) as torchvision's {@code fcn_resnet50}: a dilated
 * ResNet with an FCN head, scores resized back to the input. Instance masks (Mask R-CNN) live
 * with the detectors in {@code dev.cvkit.detection.rcnn}.
 */
package dev.cvkit.segmentation;
