package dev.cvkit.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A streaming JSON reader for COCO files: typed reads that fail with
 * {@code FILE: line L, column C: what is wrong}. Numbers are read without boxing.
 */
final class JsonIn implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            // Python writes NaN/Infinity; read them so the message can say which field is not finite
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    final String file;
    final JsonParser p;

    private JsonIn(String file, JsonParser p) {
        this.file = file;
        this.p = p;
    }

    static JsonIn open(Path path) {
        String name = path.toString();
        try {
            // Whole file at once: the byte[] parser is the fastest Jackson has.
            byte[] bytes = Files.readAllBytes(path);
            return new JsonIn(name, FACTORY.createParser(bytes));
        } catch (NoSuchFileException e) {
            throw new CocoFormatException(name + ": no such file");
        } catch (IOException e) {
            throw new CocoFormatException(name + ": cannot read (" + why(e) + ")");
        }
    }

    static JsonIn of(String name, byte[] bytes) {
        try {
            return new JsonIn(name, FACTORY.createParser(bytes));
        } catch (IOException e) {
            throw new CocoFormatException(name + ": cannot read (" + why(e) + ")");
        }
    }

    @Override
    public void close() {
        try {
            p.close();
        } catch (IOException ignored) {
            // reading is done; nothing to recover
        }
    }

    /** The next token; syntax errors become one-line messages with line and column. */
    JsonToken next() {
        try {
            return p.nextToken();
        } catch (JsonParseException e) {
            throw syntax(e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new CocoFormatException(file + ": cannot read (" + why(e) + ")");
        }
    }

    /** A one-line syntax error; Jackson's nested "[Source: ...; line: L, column: C]" shortened to "line L, column C". */
    private CocoFormatException syntax(JsonLocation loc, String why) {
        String msg = why.replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        return new CocoFormatException(file + ": invalid JSON at line " + loc.getLineNr() + ", column "
                + loc.getColumnNr() + ": " + msg);
    }

    JsonToken current() { return p.currentToken(); }

    /** Line of the current token (without allocating a location object when the parser allows). */
    int line() {
        return p instanceof com.fasterxml.jackson.core.base.ParserBase pb ? pb.getTokenLineNr() : p.currentTokenLocation().getLineNr();
    }

    /** An error at the current token. */
    /**
     * Why a read failed, as one line: Jackson's own message (getMessage() appends a second line
     * with the source location, which the error line already gives).
     */
    static String why(IOException e) {
        String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    CocoFormatException error(String what) {
        JsonLocation loc = p.currentTokenLocation();
        return new CocoFormatException(file + ": line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + what);
    }

    String name() {
        try {
            return p.currentName();
        } catch (IOException e) {
            throw new CocoFormatException(file + ": cannot read (" + why(e) + ")");
        }
    }

    void skip() {
        try {
            p.skipChildren();
        } catch (JsonParseException e) {
            throw syntax(e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new CocoFormatException(file + ": cannot read (" + why(e) + ")");
        }
    }

    void expect(JsonToken t, String what) {
        if (current() != t) {
            throw error(what);
        }
    }

    /** Advances into the value of a field and checks it is a number; returns it as a double. */
    double number(String field) {
        JsonToken t = next();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw error("'" + field + "' must be a number, got " + describe(t));
        }
        try {
            return p.getDoubleValue();
        } catch (IOException e) {
            throw error("'" + field + "': " + why(e));
        }
    }

    /** The current token as a double (it must be a number). */
    double currentNumber(String what) {
        JsonToken t = current();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw error(what + " must be a number, got " + describe(t));
        }
        try {
            return p.getDoubleValue();
        } catch (IOException e) {
            throw error(what + ": " + why(e));
        }
    }

    /** An integer id (a JSON integer, or a float with an integral value as Python would accept). */
    long id(String field) {
        JsonToken t = next();
        try {
            if (t == JsonToken.VALUE_NUMBER_INT) {
                return p.getLongValue();
            }
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                    return (long) d;
                }
            }
        } catch (IOException e) {
            throw error("'" + field + "' must be an integer: " + why(e));
        }
        throw error("'" + field + "' must be an integer, got " + describe(t));
    }

    String string(String field) {
        JsonToken t = next();
        if (t != JsonToken.VALUE_STRING) {
            throw error("'" + field + "' must be a string, got " + describe(t));
        }
        try {
            return p.getText();
        } catch (IOException e) {
            throw error("'" + field + "': " + why(e));
        }
    }

    /**
     * Reads an array of up to {@code max} numbers into {@code dst[off..]} (the parser is on the
     * field name); returns how many there were (more than {@code max} are counted, not stored).
     */
    int numbersInto(String field, double[] dst, int off, int max) {
        if (next() != JsonToken.START_ARRAY) {
            throw error("'" + field + "' must be an array of numbers, got " + describe(current()));
        }
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            double v = currentNumber("'" + field + "' element");
            if (n < max) {
                dst[off + n] = v;
            }
            n++;
        }
        return n;
    }

    /** Reads an array of numbers (the parser is on the field name). */
    double[] numbers(String field) {
        if (next() != JsonToken.START_ARRAY) {
            throw error("'" + field + "' must be an array of numbers, got " + describe(current()));
        }
        double[] buf = new double[8];
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = currentNumber("'" + field + "' element");
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * Reads a segmentation value: a list of polygons, or an RLE object with {@code size} and
     * {@code counts} (a compressed string or a list of run lengths). Sizes are checked later.
     */
    Segmentation segmentation() {
        JsonToken t = next();
        int line = line();
        if (t == JsonToken.START_ARRAY) {
            List<double[]> parts = new ArrayList<>(1);
            while (next() != JsonToken.END_ARRAY) {
                if (current() != JsonToken.START_ARRAY) {
                    throw error("'segmentation' must be a list of polygons [[x1,y1,x2,y2,...],...] or an RLE object");
                }
                double[] buf = new double[16];
                int n = 0;
                while (next() != JsonToken.END_ARRAY) {
                    if (n == buf.length) {
                        buf = Arrays.copyOf(buf, n * 2);
                    }
                    double v = currentNumber("polygon coordinate");
                    if (!Double.isFinite(v)) {
                        throw error("polygon coordinate is not finite");
                    }
                    buf[n++] = v;
                }
                parts.add(Arrays.copyOf(buf, n));
            }
            return new Segmentation.PolygonList(parts, line);
        }
        if (t != JsonToken.START_OBJECT) {
            throw error("'segmentation' must be a list of polygons or an RLE object, got " + describe(t));
        }
        long h = -1;
        long w = -1;
        int[] counts = null;
        while (next() == JsonToken.FIELD_NAME) {
            String f = name();
            if (f.equals("size")) {
                double[] s = numbers("size");
                if (s.length != 2 || s[0] != Math.rint(s[0]) || s[1] != Math.rint(s[1]) || s[0] < 1 || s[1] < 1) {
                    throw error("RLE 'size' must be [height, width], two positive integers");
                }
                h = (long) s[0];
                w = (long) s[1];
            } else if (f.equals("counts")) {
                JsonToken c = next();
                if (c == JsonToken.VALUE_STRING) {
                    // decode straight from the parser's buffer: no String per mask
                    try {
                        counts = Rle.decodeCounts(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    } catch (IllegalArgumentException e) {
                        throw error("RLE 'counts': " + e.getMessage());
                    } catch (IOException e) {
                        throw error("RLE 'counts': " + why(e));
                    }
                } else if (c == JsonToken.START_ARRAY) {
                    int[] buf = new int[64];
                    int n = 0;
                    while (next() != JsonToken.END_ARRAY) {
                        double v = currentNumber("RLE count");
                        if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                            throw error("RLE counts must be non-negative integers");
                        }
                        if (n == buf.length) {
                            buf = Arrays.copyOf(buf, n * 2);
                        }
                        buf[n++] = (int) v;
                    }
                    counts = Arrays.copyOf(buf, n);
                } else {
                    throw error("RLE 'counts' must be a string or a list of integers, got " + describe(c));
                }
            } else {
                next();
                skip();
            }
        }
        if (h < 0 || counts == null) {
            throw error("an RLE segmentation needs 'size' and 'counts'");
        }
        if (h * w > Rle.MAX_PIXELS) {
            throw error("RLE size " + h + "x" + w + " is too large");
        }
        // Compressed strings are decoded already: both forms become run lengths.
        return new Segmentation.CountsRle((int) h, (int) w, counts, line);
    }

    String text() {
        try {
            return p.getText();
        } catch (IOException e) {
            throw error(why(e));
        }
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "end of file";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }
}
