package dev.cvkit.image;

/**
 * What the first bytes of a file say: its format and, where the header has them, its size, so
 * a decompression bomb is refused before any pixel is decoded.
 *
 * @param format "jpeg", "png", "bmp", "gif", "webp", "tiff", "pnm", or null when not recognised
 * @param width  pixels, or -1 when the header does not say (cheaply)
 * @param height pixels, or -1
 * @param truncated true when the file visibly ends early (missing JPEG EOI / PNG IEND)
 */
public record ImageHeader(String format, int width, int height, boolean truncated) {

    public static ImageHeader sniff(byte[] b) {
        int n = b.length;
        if (n >= 3 && u8(b, 0) == 0xFF && u8(b, 1) == 0xD8 && u8(b, 2) == 0xFF) {
            return jpeg(b);
        }
        if (n >= 8 && u8(b, 0) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            int w = n >= 24 ? be32(b, 16) : -1;
            int h = n >= 24 ? be32(b, 20) : -1;
            return new ImageHeader("png", w, h, !hasPngEnd(b));
        }
        if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
            return new ImageHeader("bmp", Math.abs(le32(b, 18)), Math.abs(le32(b, 22)), false);
        }
        if (n >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return new ImageHeader("gif", le16(b, 6), le16(b, 8), false);
        }
        if (n >= 30 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            return webp(b);
        }
        if (n >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42) || (b[0] == 'M' && b[1] == 'M' && b[3] == 42))) {
            return new ImageHeader("tiff", -1, -1, false);
        }
        if (n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7') {
            return new ImageHeader("pnm", -1, -1, false);
        }
        if (n >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return new ImageHeader("avif", -1, -1, false);
        }
        if (n >= 12 && u8(b, 0) == 0 && u8(b, 1) == 0 && u8(b, 2) == 0 && u8(b, 3) == 0x0C && b[4] == 'j' && b[5] == 'P') {
            return new ImageHeader("jp2", -1, -1, false);
        }
        return new ImageHeader(null, -1, -1, false);
    }

    /** Pixel count, or -1 when unknown. */
    public long pixels() {
        return width < 0 || height < 0 ? -1 : (long) width * height;
    }

    private static ImageHeader jpeg(byte[] b) {
        int w = -1;
        int h = -1;
        int i = 2;
        while (i + 9 < b.length) {
            if (u8(b, i) != 0xFF) {
                i++;
                continue;
            }
            int marker = u8(b, i + 1);
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            int len = be16(b, i + 2);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                h = be16(b, i + 5);
                w = be16(b, i + 7);
                break;
            }
            if (marker == 0xDA || len < 2) {
                break; // start of scan before a frame header: let the decoder judge
            }
            i += 2 + len;
        }
        return new ImageHeader("jpeg", w, h, !hasJpegEnd(b));
    }

    /** A JPEG ends with FFD9; some writers append a few bytes after it. */
    private static boolean hasJpegEnd(byte[] b) {
        for (int i = b.length - 2; i >= Math.max(0, b.length - 4096); i--) {
            if (u8(b, i) == 0xFF && u8(b, i + 1) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPngEnd(byte[] b) {
        for (int i = b.length - 8; i >= Math.max(0, b.length - 4096); i--) {
            if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
                return true;
            }
        }
        return false;
    }

    private static ImageHeader webp(byte[] b) {
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        switch (chunk) {
            case "VP8 ":
                return new ImageHeader("webp", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, false);
            case "VP8L": {
                int bits = le32(b, 21);
                return new ImageHeader("webp", (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, false);
            }
            case "VP8X":
                return new ImageHeader("webp", 1 + (u8(b, 24) | u8(b, 25) << 8 | u8(b, 26) << 16),
                        1 + (u8(b, 27) | u8(b, 28) << 8 | u8(b, 29) << 16), false);
            default:
                return new ImageHeader("webp", -1, -1, false);
        }
    }

    private static int u8(byte[] b, int i) { return b[i] & 0xFF; }

    private static int be16(byte[] b, int i) { return u8(b, i) << 8 | u8(b, i + 1); }

    private static int le16(byte[] b, int i) { return u8(b, i) | u8(b, i + 1) << 8; }

    private static int be32(byte[] b, int i) { return be16(b, i) << 16 | be16(b, i + 2); }

    private static int le32(byte[] b, int i) { return le16(b, i) | le16(b, i + 2) << 16; }
}
