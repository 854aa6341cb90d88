package io.eventual.bench;

import java.util.Map;

/**
 * The figures of one load step: what was offered, what came back, how long it took (from each order's scheduled
 * send time), what it cost in transactions and messages, and what the application's processes used (and PostgreSQL,
 * by who it worked for: each function's connections, autovacuum, its background processes).
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
        Map<String, Double> transactionsPerSagaBy,
        double eventsPerSaga,
        double deliveriesPerSaga,
        double appCores,
        double appCpuMillisPerSaga,
        Map<String, ProcessCost> processes,
        Map<String, Double> infrastructureCpuMillisPerSaga,
        Map<String, Double> postgresCpuMillisPerSagaBy,
        double machineBusyPercent,
        double appPeakRssMiB) {

    /**
     * What one process used over the step; {@code jitMillisPerSaga} of its CPU went to compiling code (JIT). Wake-ups:
     * how often one of its threads waited and was woken again, per saga; preemptions: how often the kernel took the CPU
     * from one of them.
     */
    record ProcessCost(double cores, double cpuMillisPerSaga, double jitMillisPerSaga, double wakeUpsPerSaga,
            double preemptionsPerSaga, double peakRssMiB) {
    }

    boolean saturated() {
        return unfinished > 0 || httpErrors > 0 || sagasPerSecond < 0.9 * offeredPerSecond;
    }
}
