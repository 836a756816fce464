/**
 * Optimizers (SGD with momentum/Nesterov, Adam, AdamW, Adadelta), learning-rate schedules and
 * gradient clipping, with PyTorch's update rules so training recipes carry over.
 */
package dev.cvkit.optim;
