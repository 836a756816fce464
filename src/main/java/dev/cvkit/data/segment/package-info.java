/** Semantic-segmentation data: per-pixel class maps from COCO instance annotations. */
package dev.cvkit.data.segment;
