/**
 * SSD (Liu et al. 2016) as torchvision 0.14 has it: default boxes per feature map
 * ({@link dev.cvkit.detection.ssd.DefaultBoxes}), one 3×3 convolution per map for class scores
 * and for box deltas ({@link dev.cvkit.detection.ssd.SsdHead}), the loss with hard negative
 * mining ({@link dev.cvkit.detection.ssd.SsdLosses}) and the decoding of detections
 * ({@link dev.cvkit.detection.ssd.SsdDecoder}), assembled into a trainable network
 * ({@link dev.cvkit.detection.ssd.Ssd}, built from a {@link dev.cvkit.detection.ssd.SsdSpec}):
 * a ResNet, SSD's VGG-16 ({@link dev.cvkit.detection.ssd.VggBackbone}) or MobileNet v2
 * ({@link dev.cvkit.detection.rcnn.MobileNetV2Backbone}) with two extra blocks; SSDLite's
 * depthwise-separable extra blocks and head are the same classes with {@code lite} set, on
 * MobileNet v3 Large ({@link dev.cvkit.detection.ssd.MobileNetV3Backbone}, four extra blocks, as
 * torchvision's ssdlite320_mobilenet_v3_large) or MobileNet v2.
 */
package dev.cvkit.detection.ssd;
