package io.eventual.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.eventual.local.LocalInfrastructure;
import io.eventual.testing.AppProcess;

/**
 * The benchmark command ({@code ./mvnw verify -Pbench}, options in {@link Options#USAGE}): the two physical limits of
 * this machine, an unloaded baseline, open-loop steps of doubling rate up to saturation, and a step at half of the peak,
 * written to benchmark.json, benchmark.md and latency-throughput.png.
 */
public final class Benchmark {

    /** The application's reactive pool size and AMQP link credit: the limits are measured with the same. */
    static final int CONNECTIONS = 20;
    static final int CREDITS = 64;
    static final int MAX_RATE = 5_000;
    static final double MIB = 1024 * 1024;
    static final double MB = 1_000_000;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Results results = run(options);
        System.out.println(Report.markdown(results));
        System.out.println("written to " + options.out().toAbsolutePath());
        System.exit(0);
    }

    public static Results run(Options options) throws Exception {
        Files.createDirectories(options.out());
        if (options.url().isPresent()) {
            String[] amqp = options.amqp().orElseThrow().split(":");
            return measure(options, options.url().get(), amqp[0], Integer.parseInt(amqp[1]), options.jdbc().orElseThrow(), null);
        }
        Path data = Files.createTempDirectory("eventual-bench");
        try (LocalInfrastructure infrastructure = LocalInfrastructure.start(data, 0, 0)) {
            Map<String, String> config = new LinkedHashMap<>(infrastructure.config());
            OpenLoop.SKUS.forEach(sku -> config.put("eventual.inventory.initial-stock." + sku, Integer.toString(OpenLoop.STOCK)));
            config.put("quarkus.log.level", "WARN");
            List<String> jvm = new ArrayList<>(options.jvm());
            if (options.jfr()) {
                jvm.add("-XX:StartFlightRecording=filename=" + options.out().toAbsolutePath().resolve("app.jfr") + ",settings=profile");
            }
            AppProcess app = new AppProcess("eventual", AppProcess.freePort(), config, jvm, options.out());
            app.start();
            try {
                app.awaitReady();
                String jdbc = config.get("quarkus.datasource.jdbc.url") + "?user=postgres&password=postgres";
                return measure(options, "http://localhost:" + app.port, "localhost", infrastructure.amqpPort(), jdbc, app);
            } finally {
                app.stop();
            }
        }
    }

    private static Results measure(Options options, String url, String amqpHost, int amqpPort, String jdbc, AppProcess app)
            throws Exception {
        List<Step> steps = new ArrayList<>();
        try (ProcessStats stats = app == null ? null : new ProcessStats(app.pid());
                OpenLoop load = new OpenLoop(url, amqpHost, amqpPort, jdbc, stats)) {
            Duration drain = options.step().multipliedBy(2).plusSeconds(30);
            log("warming up for %s", options.warmup());
            // The JIT compiles the hot paths during the warm-up; before that a saga costs several times the CPU.
            load.run("warm-up", options.startRate(), options.warmup(), drain);
            steps.add(logged(load.run("unloaded", options.unloadedRate(), options.step(), drain)));
            List<Integer> rates = options.rates();
            if (rates.isEmpty()) {
                for (int rate = options.startRate(); rate <= MAX_RATE; rate *= 2) {
                    Step step = logged(load.run("rate " + rate, rate, options.step(), drain));
                    steps.add(step);
                    if (step.saturated()) {
                        break;
                    }
                }
            } else {
                for (int rate : rates) {
                    steps.add(logged(load.run("rate " + rate, rate, options.step(), drain)));
                }
            }
            double peak = steps.stream().mapToDouble(Step::sagasPerSecond).max().orElse(0);
            int half = Math.max(1, (int) Math.round(peak / 2));
            steps.add(logged(load.run("half of peak", half, options.step(), drain)));

            double messageBytes = averageEventBytes(jdbc);
            log("measuring the physical limits");
            Results.Limits limits = new Results.Limits(CONNECTIONS,
                    PhysicalLimits.commitsPerSecond(jdbc, CONNECTIONS, options.limitWindow()),
                    PhysicalLimits.commitsPerSecond(jdbc, 1, options.limitWindow()),
                    (int) messageBytes, CREDITS,
                    PhysicalLimits.roundTripsPerSecond(amqpHost, amqpPort, (int) messageBytes, CREDITS, options.limitWindow()));
            Results results = new Results(machine(stats), limits, steps, targets(steps, limits, stats));
            Report.write(results, options.out());
            return results;
        }
    }

    private static Results.Targets targets(List<Step> steps, Results.Limits limits, ProcessStats stats) {
        Step peak = steps.stream().max(java.util.Comparator.comparingDouble(Step::sagasPerSecond)).orElseThrow();
        Step unloaded = steps.get(0);
        Step half = steps.get(steps.size() - 1);
        double commitShare = peak.sagasPerSecond() * peak.writeTransactionsPerSaga() / limits.commitsPerSecond();
        double brokerShare = peak.sagasPerSecond() * peak.deliveriesPerSaga() / limits.brokerRoundTripsPerSecond();
        double rss = stats == null ? Double.NaN : stats.lifetimePeakRssMiB();
        return new Results.Targets(peak.sagasPerSecond(), commitShare, brokerShare, unloaded.endToEnd().p50(),
                half.endToEnd().p99(), rss, commitShare >= 0.5, half.endToEnd().p99() <= 5 * unloaded.endToEnd().p50(),
                rss * MIB <= 400 * MB);
    }

    /** The average size of an event on the wire (data plus CloudEvents attributes), for the broker limit. */
    private static double averageEventBytes(String jdbc) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(jdbc);
                var rs = c.createStatement().executeQuery(
                        "select coalesce(avg(length(data) + 250), 500) from event_store")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static Map<String, String> machine(ProcessStats stats) throws Exception {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> machine.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
        }
        machine.put("memory", Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / 1024.0 / 1024 / 1024) + " GiB");
        machine.put("java", System.getProperty("java.version"));
        machine.put("setup", stats == null ? "running deployment" : "all functions in one JVM process, embedded Artemis + PostgreSQL 17");
        return machine;
    }

    private static Step logged(Step step) {
        log("%-14s offered %4d/s  ended %7.1f/s  p50 %6.0f ms  p99 %7.0f ms  unfinished %d  errors %d  app cpu %.2f (%.0f ms/saga)  machine %.0f %%  rss %.0f MiB",
                step.label(), step.offeredPerSecond(), step.sagasPerSecond(), step.endToEnd().p50(), step.endToEnd().p99(),
                step.unfinished(), step.httpErrors(), step.appCores(), step.appCpuMillisPerSaga(), step.machineBusyPercent(),
                step.appPeakRssMiB());
        return step;
    }

    private static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
