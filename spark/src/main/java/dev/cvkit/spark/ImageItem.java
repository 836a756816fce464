package dev.cvkit.spark;

import java.io.Serializable;

/**
 * One input image of a job.
 *
 * @param given as the CLI prints it: the path as given, or the given folder joined with the path under it
 * @param uri   what to read, through Hadoop's FileSystem
 * @param relative where its output files go under an output folder ('/'-separated), as the CLI's:
 *                 the path under the given folder, else the file name
 * @param error why the input cannot be read at all (nothing matched a pattern), or null
 */
record ImageItem(String given, String uri, String relative, String error) implements Serializable {}
