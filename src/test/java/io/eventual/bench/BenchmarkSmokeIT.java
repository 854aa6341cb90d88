package io.eventual.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Keeps the benchmark command from rotting: a seconds-long run must write its figures. Their values are not judged. */
class BenchmarkSmokeIT {

    @Test
    void aTinyRunWritesEveryFigure() throws Exception {
        Path out = Path.of("target/benchmark-smoke");
        Set<Path> scratchBefore = scratch();
        Benchmark.run(Options.parse("--smoke", "--out", out.toString(), "--setups", "single,split@0"));

        JsonNode results = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertThat(results.path("runs")).hasSize(2);
        for (JsonNode run : results.path("runs")) {
            assertThat(run.path("steps")).hasSizeGreaterThanOrEqualTo(3);
            for (JsonNode step : run.path("steps")) {
                assertThat(step.path("endToEnd").path("p99").isNumber()).as("p99 of %s", step.path("label")).isTrue();
                assertThat(step.path("hops").size()).as("hops of %s", step.path("label")).isPositive();
                assertThat(step.path("transactionsPerSagaBy").path("saga").asDouble()).as("saga tx of %s", step.path("label")).isPositive();
            }
        }
        // split: one process per function, each with its CPU; through the proxy, its measured round trip
        assertThat(results.path("runs").get(1).path("steps").get(0).path("processes")).hasSize(Benchmark.SPLIT.size());
        assertThat(results.path("runs").get(1).path("proxyRoundTripMillis").asDouble()).isPositive();
        // PostgreSQL's CPU by who it worked for: each function's connections by the role it logs in as
        assertThat(results.path("runs").get(1).path("steps").get(1).path("postgresCpuMillisPerSagaBy").fieldNames())
                .toIterable().contains("connections of eventual_saga", "connections of eventual_payment");
        assertThat(results.path("limits").path("commitsPerSecond").asDouble()).isPositive();
        assertThat(results.path("limits").path("brokerMessagesPerSecond").asDouble()).isPositive();
        assertThat(results.path("targets").path("peakRssMiB").isNumber()).isTrue();
        assertThat(Files.readString(out.resolve("benchmark.md"))).contains("| step |", "Physical limits");
        assertThat(Files.size(out.resolve("latency-throughput.png"))).isPositive();

        // Each setup's broker and database data are gone once it is measured (ScratchData).
        assertThat(scratch()).isSubsetOf(scratchBefore);
    }

    private static Set<Path> scratch() throws Exception {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(path -> path.getFileName().toString().startsWith("eventual-bench")).collect(Collectors.toSet());
        }
    }
}
