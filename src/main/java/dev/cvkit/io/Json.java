package dev.cvkit.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** One shared Jackson mapper and JSON reading that turns every failure into a one-line error. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int USAGE = 2;
    /** A file that is there but not valid JSON: exit code 1, like other bad inputs. */
    private static final int MALFORMED = 1;

    private Json() {}

    /** Parses a whole JSON file; errors name the file, line and column. */
    public static JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(Files.newInputStream(file));
        } catch (JsonProcessingException e) {
            throw syntaxError(file, e);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file", USAGE);
        } catch (AccessDeniedException e) {
            throw new UserError(file + ": permission denied", USAGE);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", USAGE);
        }
    }

    /** A one-line error (exit 1) for a JSON syntax error: {@code FILE: invalid JSON at line L, column C: reason}. */
    public static UserError syntaxError(Path file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new UserError(file + ": invalid JSON" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""), MALFORMED, e);
    }
}
