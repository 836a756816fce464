package dev.cvkit.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed man pages and completions must be what the current command model generates. */
class GeneratedDocsTest {
    private static final String HOW = " is stale: run `mvn -q -f pom-cvkit.xml compile exec:java@update-docs` and commit man/ and completions/";

    @Test
    void committedFilesMatchTheCommandModel() throws IOException {
        Map<String, String> expected = GeneratedDocs.all();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path p = Path.of(e.getKey());
            assertTrue(Files.exists(p), e.getKey() + " is missing" + HOW.replace(" is stale", ""));
            assertEquals(e.getValue(), Files.readString(p, StandardCharsets.UTF_8), e.getKey() + HOW);
        }
        try (Stream<Path> man = Files.list(Path.of("man"))) {
            man.forEach(p -> assertTrue(expected.containsKey("man/" + p.getFileName()),
                    p + " belongs to no command any more: delete it"));
        }
    }

    @Test
    void everyCommandHasAPageWithExamplesAndOptions() {
        Map<String, String> files = GeneratedDocs.all();
        String propose = files.get("man/cvkit-propose.1");
        assertTrue(propose.contains(".SH EXAMPLES"), propose);
        assertTrue(propose.contains("\\-\\-max\\-side"), propose);
        assertTrue(files.get("completions/cvkit.bash").contains("propose"));
    }

    @Test
    void roffEscapesLeadingDotsAndBackslashes() {
        assertEquals("\\&.hidden", ManPage.esc(".hidden"));
        assertEquals("a\\eb \\-x", ManPage.esc("a\\b -x"));
    }
}
