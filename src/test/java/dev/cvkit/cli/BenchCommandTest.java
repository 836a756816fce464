package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Only the option handling: speed is measured by running the benchmark, never in tests. */
class BenchCommandTest {
    @Test
    void badOptionsAreOneLineUsageErrors() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "--case", "nms9");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --case 'nms9' matches no case"), r.err());
        r = CliTestSupport.run("bench", "--threads", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: Invalid value for option '--threads': must be a whole number from 1"), r.err());
    }
}
