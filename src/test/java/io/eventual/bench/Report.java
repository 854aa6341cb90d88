package io.eventual.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Writes a run's results as benchmark.json, benchmark.md (the README table) and latency-throughput.png. */
final class Report {

    private Report() {
    }

    static void write(Results results, Path directory) throws IOException {
        Files.createDirectories(directory);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(directory.resolve("benchmark.json").toFile(), results);
        Files.writeString(directory.resolve("benchmark.md"), markdown(results));
        chart(results, directory.resolve("latency-throughput.png"));
    }

    static String markdown(Results r) {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(r.machine().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("")).append("\n");
        for (Results.Run run : r.runs()) {
            md.append("\n### ").append(run.setup()).append(String.format(Locale.ROOT, " — peak %.1f sagas/s", run.peakSagasPerSecond()));
            if (!Double.isNaN(run.proxyRoundTripMillis())) {
                md.append(String.format(Locale.ROOT, " (measured database round trip through the proxy %.1f ms)",
                        run.proxyRoundTripMillis()));
            }
            md.append("\n\n| step | offered/s | sagas/s | p50 ms | p95 ms | p99 ms | max ms | completed / cancelled / unfinished "
                    + "| HTTP errors | dead letters | write tx/saga | deliveries/saga (functions + store) | app CPU (cores) "
                    + "| app CPU per saga | machine CPU | app peak RSS |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Step s : run.steps()) {
                md.append(String.format(Locale.ROOT,
                        "| %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %d / %d / %d | %d | %d | %.1f | %.1f | %.2f | %.0f ms | %.0f %% | %.0f MiB |%n",
                        s.label(), s.offeredPerSecond(), s.sagasPerSecond(), s.endToEnd().p50(), s.endToEnd().p95(),
                        s.endToEnd().p99(), s.endToEnd().max(), s.completed(), s.cancelled(), s.unfinished(), s.httpErrors(),
                        s.deadLetters(), s.writeTransactionsPerSaga(), s.deliveriesPerSaga(), s.appCores(),
                        s.appCpuMillisPerSaga(), s.machineBusyPercent(), s.appPeakRssMiB()));
            }
            if (!run.idle().cores().isEmpty()) {
                md.append("\nIdle CPU (cores, no load) after start: ").append(join(run.idle().cores(), "%.3f"))
                        .append(" (PostgreSQL: ").append(join(run.idle().postgresCoresBy(), "%.3f"))
                        .append("); after the load: ").append(join(run.idleWarm().cores(), "%.3f"))
                        .append(" (PostgreSQL: ").append(join(run.idleWarm().postgresCoresBy(), "%.3f")).append(").\n");
            }
            Step half = run.halfOfPeak();
            md.append("\nAt ").append(half.label()).append(": write transactions per saga by who made them: ")
                    .append(join(half.transactionsPerSagaBy(), "%.1f")).append("; CPU per saga by process: ")
                    .append(join(perProcess(half, Step.ProcessCost::cpuMillisPerSaga), "%.1f ms"))
                    .append(", of which compiling code (JIT, which the native executables do ")
                    .append("not do at run time): ").append(join(perProcess(half, Step.ProcessCost::jitMillisPerSaga), "%.1f ms"))
                    .append("; thread wake-ups per saga by process: ")
                    .append(join(perProcess(half, Step.ProcessCost::wakeUpsPerSaga), "%.0f"))
                    .append(" (preemptions: ").append(join(perProcess(half, Step.ProcessCost::preemptionsPerSaga), "%.0f")).append(")")
                    .append("; the infrastructure's CPU per saga: ").append(join(half.infrastructureCpuMillisPerSaga(), "%.1f ms"))
                    .append(", PostgreSQL's by who it worked for: ").append(join(half.postgresCpuMillisPerSagaBy(), "%.1f ms"))
                    .append(".\n");
            md.append("\nPer hop at ").append(half.label()).append(" (").append(half.offeredPerSecond())
                    .append("/s), from the events' own times:\n\n| hop | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|\n");
            half.hops().forEach((hop, p) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n",
                    hop, p.p50(), p.p95(), p.p99())));
        }
        Results.Limits l = r.limits();
        md.append(String.format(Locale.ROOT, """

                Physical limits on the same PostgreSQL and Artemis: **%.0f single-row commits/s** over %d connections \
                (%.0f/s over one).
                """, l.commitsPerSecond(), l.connections(), l.commitsPerSecondOneConnection()));
        String ownClient = String.format(Locale.ROOT, "%.0f durable %d-byte messages/s through one queue with the benchmark's "
                + "own client (vert.x-proton, as eventual's relay and consumers: %d sends in flight, writes batched per "
                + "event-loop turn, received on another connection)", l.brokerMessagesPerSecond(), l.messageBytes(), l.window());
        if (l.artemisPerfMessagesPerSecond() != null) {
            md.append(String.format(Locale.ROOT, "The broker's ceiling, by Artemis's own `artemis perf client --persistent "
                    + "--message-size %d --max-pending %d` on the same broker: **%.0f durable messages/s** received. %s: "
                    + "%.2f × that.%n", l.messageBytes(), l.window(), l.artemisPerfMessagesPerSecond(),
                    ownClient,
                    l.brokerMessagesPerSecond() / l.artemisPerfMessagesPerSecond()));
        } else {
            md.append("The broker: **").append(ownClient).append("**; `--artemis DIR` adds Artemis's own tool's figure.\n");
        }
        Results.Targets t = r.targets();
        md.append("\n| target | measured | met |\n|---|---|---|\n");
        row(md, "split peak ≥ 0.8 × single peak", t.splitOverSingle(), "%.2f ×", v -> v >= 0.8);
        row(md, "peak with added latency ≥ 0.8 × peak through the proxy with 0 ms", t.latencyOverProxy(), "%.2f ×", v -> v >= 0.8);
        if (t.unloadedP50GrowthMillis() != null) {
            md.append(String.format(Locale.ROOT, "| unloaded p50 grows ≤ 30 × the added round trip | +%.0f ms (limit %.0f ms) | %s |%n",
                    t.unloadedP50GrowthMillis(), t.unloadedP50GrowthLimitMillis(),
                    yes(t.unloadedP50GrowthMillis() <= t.unloadedP50GrowthLimitMillis())));
        }
        row(md, "≤ 12 committed transactions per saga in split at half of peak", t.splitTransactionsPerSagaAtHalfPeak(), "%.1f",
                v -> v <= 12);
        row(md, "single peak ≥ 2 × the pre-change single peak", t.singleOverBefore(), "%.2f ×", v -> v >= 2);
        row(md, "all-in-one JVM ≤ 400 MB RSS", t.peakRssMiB(), "%.0f MiB", v -> v * Benchmark.MIB <= 400 * Benchmark.MB);
        return md.toString();
    }

    private static void row(StringBuilder md, String target, Double value, String format, java.util.function.DoublePredicate met) {
        if (value != null && !value.isNaN()) {
            md.append("| ").append(target).append(" | ").append(String.format(Locale.ROOT, format, value)).append(" | ")
                    .append(yes(met.test(value))).append(" |\n");
        }
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static Map<String, Double> perProcess(Step step, java.util.function.ToDoubleFunction<Step.ProcessCost> figure) {
        Map<String, Double> values = new LinkedHashMap<>();
        step.processes().forEach((name, cost) -> values.put(name, figure.applyAsDouble(cost)));
        return values;
    }

    static String join(Map<String, Double> values, String format) {
        return values.entrySet().stream().map(e -> e.getKey() + " " + String.format(Locale.ROOT, format, e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("—");
    }

    private static void chart(Results results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Results.Run run : results.runs()) {
            XYSeries p50 = new XYSeries(run.setup() + " p50", true);
            XYSeries p99 = new XYSeries(run.setup() + " p99", true);
            for (Step s : run.steps()) {
                if (s.endToEnd().count() > 0) {
                    p50.add(s.sagasPerSecond(), s.endToEnd().p50());
                    p99.add(s.sagasPerSecond(), s.endToEnd().p99());
                }
            }
            data.addSeries(p50);
            data.addSeries(p99);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("eventual: end-to-end latency vs throughput",
                "completed sagas per second", "latency from scheduled send (ms)", data, PlotOrientation.VERTICAL, true, false, false);
        LogarithmicAxis axis = new LogarithmicAxis("latency from scheduled send (ms, log scale)");
        axis.setAllowNegativesFlag(false);
        XYPlot plot = chart.getXYPlot();
        plot.setRangeAxis(axis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 520);
    }
}
