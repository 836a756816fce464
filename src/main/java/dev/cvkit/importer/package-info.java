/**
 * Importers that turn pretrained weights stored in other frameworks' formats into cvkit model
 * files. Each format has its own sub-package; importers only read and convert, the architectures
 * live in {@code models} and {@code detection}.
 */
package dev.cvkit.importer;
