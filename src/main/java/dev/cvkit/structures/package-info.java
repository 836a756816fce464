/** Geometric structures shared by proposals, detection and evaluation: boxes, IoU, NMS. */
package dev.cvkit.structures;
