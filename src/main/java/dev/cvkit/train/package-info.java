/**
 * The task-agnostic training loop: iterations over seeded shuffles of a data set, a learning
 * rate fitted to an epoch count or a wall-clock budget ({@link dev.cvkit.train.LrPlan}) or changed
 * per epoch ({@link dev.cvkit.train.EpochSchedule}),
 * validation every epoch or every N iterations, the run folder (metrics, plots, best/last
 * model files, a resumable checkpoint) and early stopping. What a step and a validation mean is
 * the task's ({@link dev.cvkit.train.TrainTask}): classification, detection and segmentation.
 */
package dev.cvkit.train;
