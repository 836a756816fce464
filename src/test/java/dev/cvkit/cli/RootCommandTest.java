package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RootCommandTest {
    @Test
    void versionNamesNativeLibraries() {
        var r = CliTestSupport.run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("cvkit " + VersionInfo.VERSION), r.out());
        assertTrue(r.out().contains("OpenCV 4.13.0"), r.out());
        assertTrue(r.out().contains("OpenBLAS 0.3.31"), r.out());
    }

    @Test
    void missingCommandIsUsageError() {
        var r = CliTestSupport.run();
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().startsWith("cvkit: missing command"), r.err());
    }

    @Test
    void unknownOptionIsOneLineUsageError() {
        var r = CliTestSupport.run("--bogus");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
