/**
 * The picocli commands. Each subcommand is a thin {@code Callable<Integer>}: parse, call the
 * engine, write, return an exit code ({@link dev.cvkit.ExitCodes}). Shared options are
 * mixins; failures are mapped to one line in {@link dev.cvkit.cli.Main}.
 */
package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
