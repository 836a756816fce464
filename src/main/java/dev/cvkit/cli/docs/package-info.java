/** Man pages (roff) and shell completion generated from the picocli command model, so they never drift from --help. */
package dev.cvkit.cli.docs;
