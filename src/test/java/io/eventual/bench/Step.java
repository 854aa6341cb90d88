package io.eventual.bench;

import java.util.Map;

/**
 * The figures of one load step: what was offered, what came back, how long it took (from each order's scheduled
 * send time), what it cost in transactions and messages, and what the application process used.
 */
record Step(
        String label,
        int offeredPerSecond,
        double sentPerSecond,
        int accepted,
        int httpErrors,
        int completed,
        int cancelled,
        int unfinished,
        long deadLetters,
        double sagasPerSecond,
        Percentiles endToEnd,
        Map<String, Percentiles> hops,
        double writeTransactionsPerSaga,
        double eventsPerSaga,
        double deliveriesPerSaga,
        double appCores,
        double appCpuMillisPerSaga,
        double machineBusyPercent,
        double appPeakRssMiB) {

    boolean saturated() {
        return unfinished > 0 || httpErrors > 0 || sagasPerSecond < 0.9 * offeredPerSecond;
    }
}
