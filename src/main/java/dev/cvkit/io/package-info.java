/** Inputs (files, folders, globs, stdin), JSON reading with clear errors, atomic file writes. */
package dev.cvkit.io;
