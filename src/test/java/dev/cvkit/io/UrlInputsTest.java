package dev.cvkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UrlInputsTest {
    @Test
    void passwordsAreMaskedAndNothingElse() {
        assertEquals("rtsp://admin:***@10.0.0.5:554/stream1", UrlInputs.masked("rtsp://admin:p@ss:w0rd@10.0.0.5:554/stream1"));
        assertEquals("https://u:***@host/a.jpg?x=1", UrlInputs.masked("https://u:secret@host/a.jpg?x=1"));
        assertEquals("rtsp://admin@cam:554/live", UrlInputs.masked("rtsp://admin@cam:554/live"));
        assertEquals("rtsp://cam:554/user@live", UrlInputs.masked("rtsp://cam:554/user@live"));
        assertEquals("http://host/a:b@c.png", UrlInputs.masked("http://host/a:b@c.png"));
    }

    @Test
    void streamItemsAreNamedSafelyAndKeepTheRealUrl() {
        InputItem i = UrlInputs.item("rtsps://a:b@cam/x/..%2F..%2Fetc");
        assertEquals("rtsps://a:***@cam/x/..%2F..%2Fetc", i.given());
        assertEquals("rtsps://a:b@cam/x/..%2F..%2Fetc", i.source());
        assertEquals(Path.of("etc"), i.relative());
        assertEquals(Path.of("stream"), UrlInputs.item("rtsp://cam:8554").relative());
        assertEquals(Path.of("stream.."), UrlInputs.item("rtsp://cam/..").relative());
        assertTrue(UrlInputs.isStream("RTSP://cam/x"));
        assertFalse(UrlInputs.isStream("rtsp://"));
        assertFalse(UrlInputs.isUrl("rtsp://cam/x"));
    }
}
