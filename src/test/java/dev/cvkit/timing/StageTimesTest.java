package dev.cvkit.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StageTimesTest {
    @Test
    void summaryIsTheMeanOfEachStageOverImages() {
        StageTimes t = new StageTimes();
        assertEquals("Speed: 0.0ms preprocess, 0.0ms inference, 0.0ms postprocess per image", t.summary());
        t.add(new long[] {2_000_000, 40_000_000, 500_000});
        t.add(new long[] {4_000_000, 44_000_000, 700_000});
        assertEquals(2, t.images());
        assertEquals(3.0, t.meanMillis(Stage.PREPROCESS), 1e-12);
        assertEquals(42.0, t.meanMillis(Stage.INFERENCE), 1e-12);
        assertEquals(0.6, t.meanMillis(Stage.POSTPROCESS), 1e-12);
        assertEquals("Speed: 3.0ms preprocess, 42.0ms inference, 0.6ms postprocess per image", t.summary());
    }

    @Test
    void aLapAddsItsImageOnlyWhenDoneAndNoneRecordsNothing() {
        StageTimes t = new StageTimes();
        Lap lap = t.start();
        lap.end(Stage.PREPROCESS);
        lap.end(Stage.INFERENCE);
        assertEquals(0, t.images());
        lap.done();
        assertEquals(1, t.images());
        Lap.NONE.end(Stage.INFERENCE);
        Lap.NONE.done();
        assertEquals(0.0, Lap.NONE.millis());
        assertEquals(1, t.images());
    }
}
