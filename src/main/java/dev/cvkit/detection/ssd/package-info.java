/**
 * SSD (Liu et al. 2016) as torchvision 0.14 has it: default boxes per feature map
 * ({@link dev.cvkit.detection.ssd.DefaultBoxes}), one 3×3 convolution per map for class scores
 * and for box deltas ({@link dev.cvkit.detection.ssd.SsdHead}), the loss with hard negative
 * mining ({@link dev.cvkit.detection.ssd.SsdLosses}) and the decoding of detections
 * ({@link dev.cvkit.detection.ssd.SsdDecoder}), assembled into a trainable network on a ResNet
 * or SSD's VGG-16 ({@link dev.cvkit.detection.ssd.VggBackbone}) with two extra blocks ({@link dev.cvkit.detection.ssd.Ssd}, built from a
 * {@link dev.cvkit.detection.ssd.SsdSpec}).
 */
package dev.cvkit.detection.ssd;
