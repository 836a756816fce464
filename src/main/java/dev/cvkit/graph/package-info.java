/**
 * Runs frozen TensorFlow graphs, as TF.js graph models store them, on NHWC float arrays: the op
 * set of the bundled person segmenters (convolutions, depthwise and transposed convolutions,
 * pooling, bilinear resizing, element-wise arithmetic with broadcasting, dense layers). Each op
 * computes in float32 what TensorFlow's kernel computes; summation order may differ.
 */
package dev.cvkit.graph;
