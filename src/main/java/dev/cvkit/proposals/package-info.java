/**
 * Region proposals: selective search (Uijlings et al. 2013; OpenCV's graph segmentation for the
 * initial regions, hierarchical grouping here so the ranking is seeded and thread-independent),
 * sliding windows (the lecture's baseline), OpenCV's own selective search as a peer, and
 * proposal-quality evaluation (recall at IoU, MABO).
 */
package dev.cvkit.proposals;
