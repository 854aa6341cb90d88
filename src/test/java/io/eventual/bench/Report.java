package io.eventual.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;

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
                .reduce((a, b) -> a + ", " + b).orElse("")).append("\n\n");
        md.append("| step | offered/s | sagas/s | p50 ms | p95 ms | p99 ms | max ms | completed / cancelled / unfinished "
                + "| HTTP errors | dead letters | write tx/saga | deliveries/saga (functions + store) | app CPU (cores) | app CPU per saga | machine CPU | app peak RSS |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Step s : r.steps()) {
            md.append(String.format(Locale.ROOT,
                    "| %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %d / %d / %d | %d | %d | %.1f | %.1f | %.2f | %.0f ms | %.0f %% | %.0f MiB |%n",
                    s.label(), s.offeredPerSecond(), s.sagasPerSecond(), s.endToEnd().p50(), s.endToEnd().p95(),
                    s.endToEnd().p99(), s.endToEnd().max(), s.completed(), s.cancelled(), s.unfinished(), s.httpErrors(),
                    s.deadLetters(), s.writeTransactionsPerSaga(), s.deliveriesPerSaga(), s.appCores(),
                    s.appCpuMillisPerSaga(), s.machineBusyPercent(), s.appPeakRssMiB()));
        }
        Results.Limits l = r.limits();
        md.append(String.format(Locale.ROOT, """

                Physical limits on the same PostgreSQL and Artemis: **%.0f single-row commits/s** over %d connections \
                (%.0f/s over one); **%.0f durable %d-byte message round trips/s** over one connection with %d in flight.
                """, l.commitsPerSecond(), l.connections(), l.commitsPerSecondOneConnection(),
                l.brokerRoundTripsPerSecond(), l.messageBytes(), l.window()));
        Results.Targets t = r.targets();
        md.append(String.format(Locale.ROOT, """

                | target | measured | met |
                |---|---|---|
                | ≥ 50 %% of the PostgreSQL commit bound | peak %.1f sagas/s × write tx per saga = %.0f %% of the bound (broker: %.0f %%) | %s |
                | p99 at half of peak ≤ 5 × unloaded p50 | %.0f ms vs 5 × %.0f ms = %.0f ms | %s |
                | all-in-one JVM ≤ 400 MB RSS under load | peak %.0f MiB (%.0f MB) | %s |
                """, t.peakSagasPerSecond(), 100 * t.commitBoundShare(), 100 * t.brokerBoundShare(), yes(t.commitBoundMet()),
                t.halfPeakP99(), t.unloadedP50(), 5 * t.unloadedP50(), yes(t.latencyMet()), t.peakRssMiB(),
                t.peakRssMiB() * Benchmark.MIB / Benchmark.MB, yes(t.memoryMet())));
        r.steps().stream().filter(s -> s.label().startsWith("half")).findFirst()
                .or(() -> r.steps().stream().max(Comparator.comparingDouble(Step::sagasPerSecond)))
                .ifPresent(s -> {
                    md.append("\nPer hop at ").append(s.label()).append(" (").append(s.offeredPerSecond())
                            .append("/s), from the events' own times:\n\n| hop | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|\n");
                    s.hops().forEach((hop, p) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n",
                            hop, p.p50(), p.p95(), p.p99())));
                });
        return md.toString();
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static void chart(Results results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries p50 = new XYSeries("p50", true);
        XYSeries p99 = new XYSeries("p99", true);
        for (Step s : results.steps()) {
            if (s.endToEnd().count() > 0) {
                p50.add(s.sagasPerSecond(), s.endToEnd().p50());
                p99.add(s.sagasPerSecond(), s.endToEnd().p99());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(p50);
        data.addSeries(p99);
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
