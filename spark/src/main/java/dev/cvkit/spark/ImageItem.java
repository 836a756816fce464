package dev.cvkit.spark;

import java.io.Serializable;

/**
 * One input image of a job.
 *
 * @param given as the CLI prints it: the path as given, or the given folder joined with the path under it
 * @param uri   what to read, through Hadoop's FileSystem
 * @param error why the input cannot be read at all (nothing matched a pattern), or null
 */
record ImageItem(String given, String uri, String error) implements Serializable {}
