/** Semantic segmentation training: an FCN as a task of {@link dev.cvkit.train.TrainLoop}. */
package dev.cvkit.segmentation.training;
