/**
 * The R-CNN family's heads, built from {@code dev.cvkit.detection.targets} and
 * {@code dev.cvkit.detection.ops}: for now the region proposal network's proposal selection
 * ({@link dev.cvkit.detection.rcnn.RegionProposals}), as torchvision 0.14's RegionProposalNetwork.
 */
package dev.cvkit.detection.rcnn;
