/**
 * Readers for TensorFlow.js model files: the weights manifest (weight groups, shards, uint8 /
 * uint16 / float16 quantisation, unaligned raw entries) and the graph model (model.json:
 * topology nodes plus its manifest), and the layout conversions from TensorFlow's HWIO / NHWC to
 * cvkit's OIHW / NCHW. Every inconsistency in a file is a one-line {@link dev.cvkit.UserError}.
 */
package dev.cvkit.importer.tfjs;
