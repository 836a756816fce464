package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.io.InputWalker;
import dev.cvkit.timing.StageTimes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress bar's text with a clock the test sets: count, total, percentage, rate and ETA. */
class ProgressTest {
    private final long[] now = {0};

    @Test
    void barShowsTotalAndEtaOnceTheTotalIsKnown() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), "detect", false, true, () -> now[0]);
        now[0] = 2_000_000_000L;
        p.step(true);
        p.step(true);
        assertEquals("detect: 2 done, 1.0/s", p.line(now[0]));
        p.total(12);
        assertEquals("detect: 2/12 (16%), 1.0/s, ETA 0:10", p.line(now[0]));
        p.step(false);
        now[0] = 3_000_000_000L;
        assertEquals("detect: 3/12 (25%) (1 failed), 1.0/s, ETA 0:09", p.line(now[0]));
        assertTrue(sw.toString().contains("\rdetect: "), sw.toString());
    }

    @Test
    void clockTimeFromSecondsToHours() {
        assertEquals("0:09", Progress.clockTime(9));
        assertEquals("2:05", Progress.clockTime(125));
        assertEquals("1:00:01", Progress.clockTime(3601));
    }

    @Test
    void finishEndsWithTheSpeedLine() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), "propose", false, false, () -> now[0]);
        StageTimes times = new StageTimes();
        p.times(times);
        p.step(true);
        p.finish();
        assertEquals("propose: 1 input in 0.00 s", sw.toString().strip(), "no images timed: no speed line");
        times.start().done();
        p.finish();
        List<String> lines = sw.toString().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("Speed: [0-9.]+ms preprocess, [0-9.]+ms inference, [0-9.]+ms postprocess per image"),
                lines.toString());
        StringWriter quiet = new StringWriter();
        Progress q = new Progress(new PrintWriter(quiet), "x", true, false, () -> now[0]).times(times);
        q.finish();
        assertEquals("", quiet.toString());
    }

    @Test
    void inputsAreCountedAsTheWalkYieldsThem() {
        // samples/: 7 photographs and 10 digits
        assertEquals(17, InputCount.count(List.of("samples/"), InputWalker::isImageName));
        assertEquals(2, InputCount.count(List.of("samples/dog.jpg", "samples/nowhere.jpg"), InputWalker::isImageName));
    }
}
