package dev.cvkit.io;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Inputs given as URLs. {@code http://} and {@code https://}: the walker makes an item per URL
 * without touching the network; the worker that processes it downloads it to a temporary file
 * (named with the URL's extension, so images and videos are told apart as for files), reads it
 * like any file and deletes it. Redirects are followed; any status but 200 is the input's error.
 * {@code rtsp://} and {@code rtsps://} are live streams, never downloaded: the command reads
 * their frames as they come (see {@code image.VideoFrames#stream}).
 */
public final class UrlInputs {
    /** Larger downloads are refused: an image or a short clip, not an unbounded stream. */
    public static final long MAX_BYTES = 1L << 30;

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    private UrlInputs() {}

    /** True for an {@code http://} or {@code https://} URL. */
    public static boolean isUrl(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.startsWith("http://") && l.length() > 7 || l.startsWith("https://") && l.length() > 8;
    }

    /** True for an {@code rtsp://} or {@code rtsps://} URL: a live stream. */
    public static boolean isStream(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.startsWith("rtsp://") && l.length() > 7 || l.startsWith("rtsps://") && l.length() > 8;
    }

    /**
     * The walker's item for a download or stream {@code url}: outputs are named after the last
     * part of its path ("download" or "stream" if none), reduced to a safe file name, so no part
     * of a URL can lead an output out of its folder.
     */
    public static InputItem item(String url) {
        Path name = Path.of(fileName(url, isStream(url) ? "stream" : "download"));
        return new InputItem(masked(url), name, name, null, url);
    }

    /**
     * {@code url} with the password of its user info replaced by {@code ***}
     * ({@code rtsp://admin:***@cam/live}): cameras are usually named with their credentials, and
     * the URL is printed in every record and error line.
     */
    public static String masked(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at < start) {
            return url;
        }
        int colon = url.indexOf(':', start);
        return colon < 0 || colon > at ? url : url.substring(0, colon + 1) + "***" + url.substring(at);
    }

    /** The last segment of the URL's path, without query, as a safe file name. */
    static String fileName(String url) {
        return fileName(url, "download");
    }

    private static String fileName(String url, String fallback) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            path = null;
        }
        String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        last = last.replaceAll("[^A-Za-z0-9._-]", "_");
        return last.isEmpty() || last.startsWith(".") ? fallback + last : last;
    }

    /**
     * Downloads {@code url} into a new temporary file (registered with {@link TempFiles}, so it
     * goes even if the run is interrupted); the caller discards it when done.
     *
     * @throws UserError (an input failure) for a bad URL, an HTTP status other than 200, a
     *     network error, or more than {@link #MAX_BYTES}
     */
    public static Path fetch(String url) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build();
        } catch (IllegalArgumentException e) {
            throw new UserError("not a valid URL (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
        }
        String name = fileName(url);
        int dot = name.lastIndexOf('.');
        Path tmp = null;
        try {
            HttpResponse<InputStream> resp = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new UserError("HTTP " + resp.statusCode() + " from the server", ExitCodes.INPUT_FAILED);
                }
                tmp = TempFiles.create(Path.of(System.getProperty("java.io.tmpdir"), "cvkit-url"), dot > 0 ? name.substring(dot) : ".bin");
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[1 << 16];
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                        if (total > MAX_BYTES) {
                            throw new UserError("larger than " + (MAX_BYTES >> 20) + " MiB; download it first", ExitCodes.INPUT_FAILED);
                        }
                        out.write(buf, 0, n);
                    }
                }
            }
            return tmp;
        } catch (IOException e) {
            discardQuietly(tmp);
            throw new UserError("cannot download (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", ExitCodes.INPUT_FAILED, e);
        } catch (InterruptedException e) {
            discardQuietly(tmp);
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while downloading", ExitCodes.INPUT_FAILED, e);
        } catch (RuntimeException e) {
            discardQuietly(tmp);
            throw e;
        }
    }

    /** Deletes a downloaded file once its input is done. */
    public static void discard(Path tmp) {
        discardQuietly(tmp);
    }

    private static void discardQuietly(Path tmp) {
        if (tmp != null) {
            try {
                TempFiles.discard(tmp);
            } catch (IOException e) {
                // a leftover in the temporary folder; nothing reads it
            }
        }
    }
}
