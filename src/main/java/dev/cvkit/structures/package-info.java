/** Geometric structures shared by proposals, detection and evaluation: boxes, IoU, NMS, scored detections. */
package dev.cvkit.structures;
