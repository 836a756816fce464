/**
 * Float32 NCHW tensors with per-tensor reverse-mode autograd, the GEMM interface and its
 * backends (OpenBLAS, naive reference), and the deterministic work splitter every kernel uses.
 * See docs/engine.md for how these fit with {@code dev.cvkit.nn}.
 */
package dev.cvkit.tensor;
