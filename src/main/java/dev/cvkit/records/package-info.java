/**
 * What the batch commands make of one image: detect's detections, classify's top classes,
 * propose's boxes and segment's masks, and the JSON Lines record (and mask files) each makes for
 * it. The CLI and the Spark jobs (spark/) both go through these classes, so a record and a mask
 * file are the same bytes wherever they were made.
 * Decoding stays with the caller, which may read a local file or bytes from a cluster file system.
 */
package dev.cvkit.records;
