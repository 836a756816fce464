package dev.cvkit.nn;

import dev.cvkit.tensor.Parallel;
import org.junit.jupiter.api.AfterEach;

/** For tests that change the engine's thread count or {@link ConvWinograd#mode}: puts both back after each test. */
abstract class RestoresWinogradMode {
    private final int savedThreads = Parallel.threads();
    private final String savedMode = ConvWinograd.mode;

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
        ConvWinograd.mode = savedMode;
    }
}
