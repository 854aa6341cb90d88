package io.eventual.bench;

import java.util.List;
import java.util.Map;

/** Everything one benchmark run measured, as written to benchmark.json. */
record Results(
        Map<String, String> machine,
        Limits limits,
        List<Run> runs,
        Targets targets) {

    /** One setup (layout, distance to database and broker, application build) and its steps. */
    record Run(String setup, String layout, Double latencyMillis, String app, double proxyRoundTripMillis,
            Idle idle, List<Step> steps, Idle idleWarm, double peakSagasPerSecond, double lifetimePeakRssMiB) {

        static final String HALF_OF_PEAK = "half of peak";
        static final String UNLOADED = "unloaded";
        static final String UNLOADED_WARM = "unloaded, warm";

        Step halfOfPeak() {
            return step(HALF_OF_PEAK);
        }

        /** The unloaded step after the loaded ones, when every process has compiled its hot code. */
        Step unloadedWarm() {
            return step(UNLOADED_WARM);
        }

        private Step step(String label) {
            return steps.stream().filter(s -> s.label().equals(label)).findFirst().orElseThrow();
        }
    }

    /**
     * CPU (cores) while nothing is offered: each application process's, and PostgreSQL's by whom it worked for (what the
     * processes' timers cost the database). Measured after start and again after the last step, when the processes
     * have run for minutes and compiled their code.
     */
    record Idle(Map<String, Double> cores, Map<String, Double> postgresCoresBy) {
        /** A running deployment's processes cannot be read. */
        static final Idle UNKNOWN = new Idle(Map.of(), Map.of());
    }

    /**
     * The physical ceilings, measured on the same database and broker: commits per second with the application's pool
     * size, and durable messages per second sent and received with {@code window} sends in flight (as Artemis's own
     * {@code artemis perf client --max-pending}).
     */
    record Limits(int connections, double commitsPerSecond, double commitsPerSecondOneConnection, int messageBytes,
            int window, double brokerMessagesPerSecond, Double artemisPerfMessagesPerSecond) {
    }

    /** The targets, evaluated on this run; null where the run lacks the setups a target compares. */
    record Targets(Double splitOverSingle, Double latencyOverProxy, Double unloadedP50GrowthMillis,
            Double unloadedP50GrowthLimitMillis, Double splitTransactionsPerSagaAtHalfPeak, Double singleOverBefore,
            Double peakRssMiB) {
    }
}
