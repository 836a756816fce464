/**
 * Layers as {@link dev.cvkit.nn.Module}s with PyTorch parameter names, and the differentiable
 * functions behind them (forward and backward side by side, kernels split into deterministic
 * tasks). Losses live in {@link dev.cvkit.nn.Losses}.
 */
package dev.cvkit.nn;
