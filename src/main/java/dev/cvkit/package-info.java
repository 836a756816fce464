/**
 * cvkit: a command-line computer-vision toolkit. Root types live here; each concept has its
 * own package: {@code cli} (commands), {@code image} (the only package that touches OpenCV
 * Mats for pixels), {@code io} (inputs, atomic writes, model files), {@code proposals},
 * {@code structures} (boxes, IoU, NMS), {@code coco} (formats and evaluation).
 */
package dev.cvkit;
