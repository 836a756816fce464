package dev.cvkit.spark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The makers built in this JVM (an executor, or the driver in local mode), so that the model is
 * loaded once per executor and not once per task. A few are kept, for drivers running jobs in turn.
 */
final class Engines {
    private static final int KEEP = 4;
    private static final Map<String, RecordMaker> BUILT = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RecordMaker> eldest) {
            return size() > KEEP;
        }
    };

    private Engines() {}

    static synchronized RecordMaker get(RecordMaker.Spec spec) throws Exception {
        RecordMaker m = BUILT.get(spec.key());
        if (m == null) {
            m = spec.build();
            BUILT.put(spec.key(), m);
        }
        return m;
    }
}
