package dev.cvkit.cli;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Asks HotSpot not to use its optimising compiler (C2) in this process, through a compiler
 * directive (JEP 165) added with the DiagnosticCommand MBean — the in-process equivalent of
 * {@code -XX:TieredStopAtLevel=1}.
 *
 * <p>Why: a COCO evaluation is a run of a second or two. In such a run C2 spends about as much
 * CPU recompiling Jackson's tokenizer and the evaluation loops as the evaluation itself takes
 * (measured in docs/benchmarks.md: 2.3 s → 1.2 s of CPU for 100,000 results), and the work is
 * nearly done when C2's code arrives. Only for short, bounded commands — never for training or
 * model evaluation, where C2 pays off. Does nothing on JVMs without the MBean.
 */
final class QuickCompilation {
    private QuickCompilation() {}

    /** Best effort; returns whether the directive was added. */
    static boolean request() {
        Path file = null;
        try {
            file = Files.createTempFile("cvkit-compiler-", ".json");
            Files.writeString(file, "[{ match: [\"*.*\"], c2: { Exclude: true } }]", StandardCharsets.US_ASCII);
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            return true;
        } catch (Exception | LinkageError e) {
            return false; // not HotSpot, or management disabled: run with the default compilers
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }
}
