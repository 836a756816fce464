package dev.cvkit.data;

import dev.cvkit.UserError;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One idx file (the MNIST format), raw or gzipped: a 4-byte magic {@code 00 00 TYPE NDIM}, NDIM
 * big-endian 32-bit sizes, then the values row-major. Only unsigned bytes (TYPE 0x08) are read.
 * The header is checked before anything large is allocated, and the data must be exactly as long
 * as the header says: a truncated file or trailing bytes are errors, not silently ignored.
 *
 * @param dims the sizes from the header, e.g. {60000, 28, 28}
 * @param data all values, row-major
 */
public record IdxFile(int[] dims, byte[] data) {
    private static final int UBYTE = 0x08;
    /** Larger than any real idx data set; refuses absurd headers before allocating. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 64L;

    /** Reads and validates a file that must have {@code expectedDims} dimensions. */
    public static IdxFile read(Path path, int expectedDims) {
        String where = path.toString();
        try (InputStream raw = Files.newInputStream(path)) {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            boolean gz = path.getFileName().toString().endsWith(".gz");
            if (gz) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            DataInputStream data = new DataInputStream(in);
            byte[] magic = new byte[4];
            readFully(data, magic, where, "the 4-byte header");
            if (magic[0] != 0 || magic[1] != 0) {
                throw new UserError(String.format(Locale.ROOT, "%s: not an idx file (magic 0x%02x%02x%02x%02x; expected 0x0000%02x%02x)",
                        where, magic[0], magic[1], magic[2], magic[3], UBYTE, expectedDims), 1);
            }
            int type = magic[2] & 0xFF;
            int ndim = magic[3] & 0xFF;
            if (type != UBYTE) {
                throw new UserError(String.format(Locale.ROOT, "%s: idx value type 0x%02x is not supported (only unsigned bytes, 0x08)", where, type), 1);
            }
            if (ndim != expectedDims) {
                throw new UserError(where + ": idx file has " + ndim + " dimensions, expected " + expectedDims
                        + (expectedDims == 3 ? " (an images file: count, rows, columns)" : " (a labels file)"), 1);
            }
            int[] dims = new int[ndim];
            long total = 1;
            byte[] dimBytes = new byte[4 * ndim];
            readFully(data, dimBytes, where, "the header's sizes");
            for (int i = 0; i < ndim; i++) {
                int d = (dimBytes[4 * i] & 0xFF) << 24 | (dimBytes[4 * i + 1] & 0xFF) << 16
                        | (dimBytes[4 * i + 2] & 0xFF) << 8 | (dimBytes[4 * i + 3] & 0xFF);
                if (d < 0) {
                    throw new UserError(where + ": idx size " + Integer.toUnsignedString(d) + " is absurd (corrupt header)", 1);
                }
                dims[i] = d;
                total *= d;
                if (total > MAX_BYTES) {
                    throw new UserError(where + ": idx header sizes " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                            + " need more than 2 GB (corrupt header)", 1);
                }
            }
            long header = 4 + 4L * ndim;
            if (!gz) {
                long size = Files.size(path);
                if (size != header + total) {
                    throw new UserError(String.format(Locale.ROOT, "%s: header says %s = %d bytes of data but the file holds %d (%s)",
                            where, shape(dims), total, size - header, size < header + total ? "truncated" : "trailing bytes"), 1);
                }
            }
            byte[] values = new byte[(int) total];
            int got = data.readNBytes(values, 0, values.length);
            if (got < total) {
                throw new UserError(String.format(Locale.ROOT, "%s: header says %s = %d bytes of data but the file holds %d (truncated)",
                        where, shape(dims), total, got), 1);
            }
            if (data.read() != -1) {
                throw new UserError(String.format(Locale.ROOT, "%s: header says %s = %d bytes of data but the file holds more (trailing bytes)",
                        where, shape(dims), total), 1);
            }
            return new IdxFile(dims, values);
        } catch (NoSuchFileException e) {
            throw new UserError(where + ": no such file", 1);
        } catch (ZipException | EOFException e) {
            throw new UserError(where + ": corrupt or truncated gzip data (" + e.getMessage() + ")", 1);
        } catch (IOException e) {
            throw new UserError(where + ": cannot read (" + e.getMessage() + ")", 1);
        }
    }

    private static void readFully(DataInputStream in, byte[] buf, String where, String what) throws IOException {
        if (in.readNBytes(buf, 0, buf.length) < buf.length) {
            throw new UserError(where + ": file ends inside " + what + " (not an idx file, or truncated)", 1);
        }
    }

    static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "×").append(dims[i]);
        }
        return sb.toString();
    }
}
