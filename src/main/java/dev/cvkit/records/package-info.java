/**
 * What the batch commands make of one image: detect's detections, classify's top classes and
 * propose's boxes, and the JSON Lines record each prints for it. The CLI and the Spark jobs
 * (spark/) both go through these classes, so a record is the same bytes wherever it was made.
 * Decoding stays with the caller, which may read a local file or bytes from a cluster file system.
 */
package dev.cvkit.records;
