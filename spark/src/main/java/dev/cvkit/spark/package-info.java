/**
 * cvkit on Apache Spark: detect, classify, propose and segment over images listed through
 * Hadoop's FileSystem, each executor running the same per-image code as the CLI ({@code dev.cvkit.records}),
 * and COCO evaluation accumulated on the driver. Spark is {@code provided}: the cluster brings it.
 */
package dev.cvkit.spark;
