/**
 * Where the time of a batch goes: per-stage clocks (decode and preprocess, inference,
 * postprocess) summed over images on any number of threads, and the ETA of a batch of known size.
 */
package dev.cvkit.timing;
