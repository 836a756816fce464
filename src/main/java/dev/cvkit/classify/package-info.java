/**
 * Image classification as a task: a trained model with its classes and preprocessing
 * ({@code ClassifierModel}), training as a task of the shared loop in {@code dev.cvkit.train}
 * ({@code ClassifyTraining} sets up a {@code ClassifyTask}), and evaluation (top-k accuracy,
 * per-class precision/recall/F1, confusion matrix).
 */
package dev.cvkit.classify;
