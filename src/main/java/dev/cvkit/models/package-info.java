/**
 * Classification architectures (LeNet-5 … MobileNet v2) built from dev.cvkit.nn layers, with
 * torchvision's parameter names where torchvision has the same network; {@link
 * dev.cvkit.models.Architecture} is the one list of them, and {@link dev.cvkit.models.Summary}
 * computes per-layer output shapes, parameters and multiply-adds.
 */
package dev.cvkit.models;
