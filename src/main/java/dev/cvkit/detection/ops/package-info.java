/**
 * The region-of-interest operators of the R-CNN family, {@link dev.cvkit.detection.ops.RoiAlign}
 * and {@link dev.cvkit.detection.ops.RoiPool}, with autograd, reproducing
 * {@code torchvision.ops.roi_align} / {@code roi_pool} (0.14, CPU) bit for bit. They are a
 * package of their own because they are tensor operators (forward and backward, threads) that
 * every two-stage detector shares, unlike the runtime-specific decoders in
 * {@code dev.cvkit.detection}; box-level operations (IoU, NMS) live in
 * {@code dev.cvkit.structures.BoxOps}.
 */
package dev.cvkit.detection.ops;
