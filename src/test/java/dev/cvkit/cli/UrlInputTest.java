package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cvkit.ExitCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http:// inputs, served by a server this test starts on 127.0.0.1: read as the same file would be. */
class UrlInputTest {
    static final Path FACE = Path.of("src/test/resources/fixtures/detect/astronaut.png");
    HttpServer server;
    String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/img/astronaut.png", ex -> {
            byte[] body = Files.readAllBytes(FACE);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/img/astronaut.png");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void detectReadsAUrlAsItReadsTheFile(@TempDir Path dir) throws IOException {
        var local = CliTestSupport.run("detect", "--model", "face-tiny", FACE.toString(), "--format", "jsonl", "-q");
        String url = base + "/img/astronaut.png";
        var remote = CliTestSupport.run("detect", "--model", "face-tiny", url, base + "/missing.jpg", base + "/moved",
                "--format", "jsonl", "--save", dir.resolve("out").toString());
        assertEquals(ExitCodes.INPUT_FAILED, remote.code(), remote.err());
        String[] lines = remote.out().split("\n");
        assertEquals(2, lines.length, remote.out());
        assertEquals(local.out().strip().replace("\"file\":\"" + FACE + "\"", "\"file\":\"" + url + "\""), lines[0]);
        assertTrue(lines[1].startsWith("{\"file\":\"" + base + "/moved\""), lines[1]); // a redirect is followed
        assertTrue(remote.err().contains("cvkit: " + base + "/missing.jpg: HTTP 404 from the server"), remote.err());
        assertTrue(Files.size(dir.resolve("out/astronaut.png")) > 1000);
    }

    @Test
    void proposeAndClassifyToo() {
        var p = CliTestSupport.run("propose", "--max-side", "100", "--top", "3", "--format", "jsonl", "-q", base + "/img/astronaut.png");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("{\"file\":\"" + base + "/img/astronaut.png\",\"width\":256,\"height\":200,"), p.out());
        var c = CliTestSupport.run("classify", "--format", "jsonl", "-q", base + "/img/astronaut.png");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("\"predictions\""), c.out());
    }
}
