/**
 * The only package that touches OpenCV pixels: decoding with header checks, colour spaces,
 * graph segmentation, gradients, resizing and drawing. Other packages see plain arrays.
 */
package dev.cvkit.image;
