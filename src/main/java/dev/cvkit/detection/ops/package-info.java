/**
 * The region-of-interest operators of the R-CNN family, {@link dev.cvkit.detection.ops.RoiAlign},
 * {@link dev.cvkit.detection.ops.RoiPool} and the FPN pooler
 * {@link dev.cvkit.detection.ops.MultiScaleRoiAlign}, with autograd, reproducing
 * {@code torchvision.ops.roi_align} / {@code roi_pool} / {@code MultiScaleRoIAlign} (0.14, CPU). They are a
 * package of their own because they are tensor operators (forward and backward, threads) that
 * every two-stage detector shares, unlike the runtime-specific decoders in
 * {@code dev.cvkit.detection}; box-level operations (IoU, NMS) live in
 * {@code dev.cvkit.structures.BoxOps}.
 */
package dev.cvkit.detection.ops;
