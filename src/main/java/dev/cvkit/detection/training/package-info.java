/**
 * Detector training from the command line: the detection task plugged into
 * {@link dev.cvkit.train.TrainLoop} (data, box augmentation, losses, COCO validation, model
 * files) and the wiring of a new or resumed run.
 */
package dev.cvkit.detection.training;
