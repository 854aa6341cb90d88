package io.eventual.bench;

import java.util.List;
import java.util.Map;

/** Everything one benchmark run measured, as written to benchmark.json. */
record Results(
        Map<String, String> machine,
        Limits limits,
        List<Step> steps,
        Targets targets) {

    /** The physical ceilings, measured on the same database and broker with the application's connection counts. */
    record Limits(int connections, double commitsPerSecond, double commitsPerSecondOneConnection, int messageBytes,
            int window, double brokerRoundTripsPerSecond) {
    }

    /** The targets, evaluated on this run. */
    record Targets(double peakSagasPerSecond, double commitBoundShare, double brokerBoundShare, double unloadedP50,
            double halfPeakP99, double peakRssMiB, boolean commitBoundMet, boolean latencyMet, boolean memoryMet) {
    }
}
