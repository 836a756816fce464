package dev.cvkit;

import dev.cvkit.ExitCodes;

/**
 * A mistake the user can fix: printed as one line {@code cvkit: message} with no stack trace
 * (unless --debug), and mapped to a defined exit code.
 */
public class UserError extends RuntimeException {
    /** 1: an input failed; 2: usage; 3: quality gate. See {@link ExitCodes}. */
    private final int exitCode;

    public UserError(String message) { this(message, 2, null); }

    public UserError(String message, int exitCode) { this(message, exitCode, null); }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
