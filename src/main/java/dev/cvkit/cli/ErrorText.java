package dev.cvkit.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Keeps every error one line. File names may hold newlines or terminal escape sequences, and
 * library messages (Jackson's among them) may span lines: neither may reach the terminal raw.
 */
final class ErrorText {
    private ErrorText() {}

    /** {@code s} with control characters written as escapes ({@code \n}, {@code \e}, {@code \x07} …). */
    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x1b -> b.append("\\e");
                default -> b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }

    /** A message as one line: line breaks (with the indentation after them) become one space, other controls escapes. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return escape(s.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /** What went wrong in a file operation, as {@code FILE: reason}. */
    static String ioMessage(IOException e) {
        if (e instanceof FileSystemException fse && fse.getFile() != null) {
            String why = e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
            String other = fse.getOtherFile() == null ? "" : " (to " + fse.getOtherFile() + ")";
            return escape(fse.getFile()) + other + ": " + oneLine(why);
        }
        return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
