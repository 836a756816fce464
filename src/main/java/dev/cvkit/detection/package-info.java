/**
 * Object detectors and their pieces: the {@link dev.cvkit.detection.Detector} interface, the
 * SSD-MobileNetV1 and Tiny (YOLO-v2-style) face detectors and NanoDet (80 COCO classes) built
 * from cvkit's layers, their box decodings and non-maximum suppressions, and loading a detector
 * from a cvkit model file, and evaluating a detector on a COCO dataset
 * ({@link dev.cvkit.detection.DetectorEval}). Pre- and post-processing reproduce the original runtimes' numerics
 * (TF.js) so imported weights give the original detections. torchvision-exact RoI Align / RoI
 * Pool for two-stage detectors are in {@code dev.cvkit.detection.ops}, NMS in
 * {@code dev.cvkit.structures.BoxOps}.
 */
package dev.cvkit.detection;
