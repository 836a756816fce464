/**
 * The R-CNN family's heads, built from {@code dev.cvkit.detection.targets} and
 * {@code dev.cvkit.detection.ops}, as torchvision 0.14's: the feature pyramid
 * ({@link dev.cvkit.detection.rcnn.FeaturePyramid}), the region proposal network's head
 * ({@link dev.cvkit.detection.rcnn.RpnHead}), its proposal selection
 * ({@link dev.cvkit.detection.rcnn.RegionProposals}) and the box stage
 * ({@link dev.cvkit.detection.rcnn.RoiBoxHead}), Mask R-CNN's mask branch
 * ({@link dev.cvkit.detection.rcnn.MaskHead}); for training, the targets
 * ({@link dev.cvkit.detection.rcnn.TrainingTargets}), the sampler
 * ({@link dev.cvkit.detection.rcnn.BalancedSampler}) and the four losses
 * ({@link dev.cvkit.detection.rcnn.RcnnLosses}). {@link dev.cvkit.detection.rcnn.FasterRcnn}
 * assembles them behind a {@link dev.cvkit.detection.rcnn.Backbone} (e.g.
 * {@link dev.cvkit.detection.rcnn.ResNetBackbone}) with torchvision's parameter names;
 * {@link dev.cvkit.detection.rcnn.RcnnTransform} prepares its input batches. Modules take a list of pyramid levels
 * ({@code forwardLevels}) and load torchvision's state dicts by name.
 */
package dev.cvkit.detection.rcnn;
