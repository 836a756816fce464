/**
 * Labelled image datasets for training and evaluation (a folder per class, MNIST-style idx
 * files, CSV/JSONL lists), seeded validation splits, and a streaming loader that decodes and
 * preprocesses batches in parallel with bounded prefetch, giving the same batches for a seed
 * whatever the thread count.
 */
package dev.cvkit.data;
