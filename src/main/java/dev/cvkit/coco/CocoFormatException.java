package dev.cvkit.coco;

/**
 * A COCO file that cannot be used: malformed JSON (with line and column), a missing or wrong
 * field, ids that do not match the ground truth. The message starts with the file name and
 * is one line, meant for the user.
 */
public final class CocoFormatException extends RuntimeException {
    public CocoFormatException(String message) {
        super(message);
    }

    public CocoFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
