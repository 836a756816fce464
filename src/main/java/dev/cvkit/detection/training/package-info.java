/**
 * Detector training from the command line: {@link dev.cvkit.detection.training.DetectionTask}
 * plugged into {@link dev.cvkit.train.TrainLoop} (data, box augmentation, COCO validation, model
 * files) and the wiring of a new or resumed run ({@link dev.cvkit.detection.training.DetectTraining}).
 *
 * <p>The trainer knows no family. A family is a
 * {@link dev.cvkit.detection.training.TrainableDetector}: {@code losses(batch, rng)} on augmented
 * images with boxes and labels 1 … K (the loop sums them), {@code detector(defaults, classes,
 * ids)} as a {@link dev.cvkit.detection.BatchDetector} sharing the weights, and {@code config()}
 * (architecture and every constructor parameter). {@link dev.cvkit.detection.training.DetectorFamilies}
 * maps each {@code --arch} name to how it is built from the options and rebuilt from a saved
 * config, so runs resume and {@code detect}/{@code eval} load any trained family from its file
 * alone ({@link dev.cvkit.detection.training.DetectorModelFile} writes the file).
 */
package dev.cvkit.detection.training;
