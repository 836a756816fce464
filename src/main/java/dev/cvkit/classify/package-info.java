/**
 * Image classification as a task: a trained model with its classes and preprocessing
 * ({@code Classifier}), training with checkpoints and metrics ({@code ClassifierTrainer}), and
 * evaluation (top-k accuracy, per-class precision/recall/F1, confusion matrix).
 */
package dev.cvkit.classify;
