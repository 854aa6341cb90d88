package io.eventual.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.eventual.local.LocalInfrastructure;
import io.eventual.testing.AppProcess;
import io.eventual.testing.PlainJvmLogging;
import io.eventual.testing.ScratchData;

/**
 * The benchmark command ({@code ./mvnw verify -Pbench}, options in {@link Options#USAGE}): for each setup (all
 * functions in one JVM or one JVM per function, directly or through a latency proxy to the database and broker), an
 * unloaded baseline, open-loop steps of doubling rate up to saturation, refined by bisection, a step at half of the
 * peak (the highest rate kept up with) and the unloaded one again, warm (which the round-trip target compares); then the
 * physical limits of this machine and the ratios between setups, written to benchmark.json, benchmark.md and
 * latency-throughput.png.
 */
public final class Benchmark {

    /** The application's reactive pool size: the commit limit is measured with as many connections. */
    static final int CONNECTIONS = 20;
    /** Sends in flight when measuring the broker, as {@code artemis perf client --max-pending 64}. */
    static final int WINDOW = 64;
    static final int MAX_RATE = 5_000;
    /** Bisections between the last doubled rate kept up with and the first not: the peak within a quarter of it. */
    static final int REFINEMENTS = 2;
    static final double MIB = 1024 * 1024;
    static final double MB = 1_000_000;
    /** How long each process's CPU is read while no load runs. */
    static final Duration IDLE = Duration.ofSeconds(15);

    /** One JVM per function as deploy/ runs them; the first also serves HTTP (the trigger). */
    static final Map<String, String> SPLIT = new LinkedHashMap<>();
    static {
        SPLIT.put("trigger-store", "store");
        SPLIT.put("saga", "saga");
        SPLIT.put("payment", "payment");
        SPLIT.put("inventory", "inventory");
        SPLIT.put("shipping", "shipping");
    }

    /** Where deploy/ sets the replicas' configuration, which split runs with where it tunes (the connection pool). */
    static final Path DEPLOYED_CONFIG = Path.of("deploy/base/kustomization.yaml");

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
        PlainJvmLogging.configure();
        Files.createDirectories(options.out());
        if (options.url().isPresent()) {
            String[] amqp = options.amqp().orElseThrow().split(":");
            String jdbc = options.jdbc().orElseThrow();
            List<Step> steps = steps(options, options.url().get(), amqp[0], Integer.parseInt(amqp[1]), jdbc, null);
            Results.Limits limits = limits(options, amqp[0], Integer.parseInt(amqp[1]), jdbc);
            Options.Setup setup = options.setups().get(0);
            List<Results.Run> runs = List.of(run(setup, setup.label(), options, steps, Double.NaN,
                    Results.Idle.UNKNOWN, Results.Idle.UNKNOWN, Double.NaN));
            Results results = new Results(machine("running deployment"), limits, runs, targets(runs, options));
            Report.write(results, options.out());
            return results;
        }
        List<Results.Run> runs = new ArrayList<>();
        Results.Limits limits = null;
        Map<String, Integer> repeats = new java.util.HashMap<>();
        for (Options.Setup setup : options.setups()) {
            // A setup run again in the same sitting (A/B/A/B) gets a label of its own in the report and the chart.
            int repeat = repeats.merge(setup.label(), 1, Integer::sum);
            String label = repeat == 1 ? setup.label() : setup.label() + ", run " + repeat;
            log("setup: %s", label);
            Path data = Files.createTempDirectory("eventual-bench");
            try (LocalInfrastructure infrastructure = LocalInfrastructure.start(data, 0, 0);
                    Proxies proxies = Proxies.start(setup, infrastructure)) {
                Map<String, String> config = new LinkedHashMap<>(infrastructure.config());
                String jdbc = config.get("quarkus.datasource.jdbc.url") + "?user=postgres&password=postgres";
                OpenLoop.SKUS.forEach(sku -> config.put("eventual.inventory.initial-stock." + sku, Integer.toString(OpenLoop.STOCK)));
                config.put("quarkus.log.level", "WARN");
                proxies.reroute(config);
                // Builds of other ages (--app) may not know every setting this one passes: let them ignore those.
                config.put("smallrye.config.mapping.validate-unknown", "false");
                List<AppProcess> apps = start(setup, options, config);
                try (ProcessStats stats = new ProcessStats(pids(apps))) {
                    Duration window = options.smoke() ? Duration.ofSeconds(2) : IDLE;
                    Results.Idle idle = idle(stats, window, "idle CPU");
                    List<Step> steps = steps(options, "http://localhost:" + apps.get(0).port, "localhost",
                            infrastructure.amqpPort(), jdbc, stats);
                    Results.Idle idleWarm = idle(stats, window, "idle CPU after the load");
                    runs.add(run(setup, label, options, steps, proxies.roundTripMillis(), idle, idleWarm,
                            stats.lifetimePeakRssMiB()));
                } finally {
                    apps.forEach(AppProcess::stop);
                }
                if (limits == null) {
                    limits = limits(options, "localhost", infrastructure.amqpPort(), jdbc);
                }
            } finally {
                ScratchData.delete(data);
            }
        }
        Results results = new Results(machine("embedded Artemis + PostgreSQL 17 in the benchmark's JVM; application "
                + "processes as the setups say"), limits, runs, targets(runs, options));
        Report.write(results, options.out());
        return results;
    }

    /**
     * A process's configuration as deployed (its function's broker and database accounts); a build from before the
     * functions' database roles (an older --app) runs as the database owner.
     */
    private static Map<String, String> running(Map<String, String> config, String functions, boolean functionRoles) {
        Map<String, String> running = AppProcess.running(config, functions);
        if (!functionRoles) {
            running.put("quarkus.datasource.username", config.get("quarkus.datasource.username"));
            running.put("quarkus.datasource.password", config.get("quarkus.datasource.password"));
        }
        return running;
    }

    private static boolean grantsFunctionRoles(Path quarkusRunJar) throws java.io.IOException {
        try (var jars = Files.list(quarkusRunJar.resolveSibling("app"))) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
                try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
                    if (zip.getEntry("db/migration/V12__function_roles.sql") != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The application's processes for {@code setup}, started and ready; the first serves HTTP. */
    private static List<AppProcess> start(Options.Setup setup, Options options, Map<String, String> config) throws Exception {
        Path app = setup.app().orElse(options.app()).resolve("quarkus-run.jar");
        boolean split = setup.layout().equals("split");
        Map<String, String> processes = split ? SPLIT : Map.of("eventual", String.join(",",
                "saga", "payment", "inventory", "shipping", "store"));
        if (split) {
            // As deployed: a replica's pool (and with it its consumers' concurrency) is smaller than the default.
            config = AppProcess.with(config, "quarkus.datasource.reactive.max-size", deployedPoolSize());
        }
        AppProcess.migrate(config, options.jvm(), options.out(), app);
        boolean functionRoles = grantsFunctionRoles(app);
        List<AppProcess> apps = new ArrayList<>();
        for (Map.Entry<String, String> process : processes.entrySet()) {
            List<String> jvm = new ArrayList<>(options.jvm());
            if (options.jfr()) {
                jvm.add("-XX:StartFlightRecording=filename=" + options.out().toAbsolutePath().resolve(process.getKey() + ".jfr")
                        + ",settings=profile");
            }
            AppProcess started = new AppProcess(process.getKey(), AppProcess.freePort(),
                    running(config, process.getValue(), functionRoles), jvm, options.out(), app);
            started.start();
            apps.add(started);
        }
        apps.forEach(AppProcess::awaitReady);
        return apps;
    }

    /** The connections per replica deploy/ gives each function ({@code QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE}). */
    static String deployedPoolSize() throws java.io.IOException {
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=(\\d+)")
                .matcher(Files.readString(DEPLOYED_CONFIG));
        if (!size.find()) {
            throw new IllegalStateException(DEPLOYED_CONFIG + " sets no QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE");
        }
        return size.group(1);
    }

    private static Map<String, Long> pids(List<AppProcess> apps) {
        Map<String, Long> pids = new LinkedHashMap<>();
        apps.forEach(app -> pids.put(app.name, app.pid()));
        return pids;
    }

    private static List<Step> steps(Options options, String url, String amqpHost, int amqpPort, String jdbc, ProcessStats stats)
            throws Exception {
        List<Step> steps = new ArrayList<>();
        try (OpenLoop load = new OpenLoop(url, amqpHost, amqpPort, jdbc, stats)) {
            Duration drain = options.step().multipliedBy(2).plusSeconds(30);
            log("warming up for %s", options.warmup());
            // The JIT compiles the hot paths during the warm-up; before that a saga costs several times the CPU.
            load.run("warm-up", options.startRate(), options.warmup(), drain);
            steps.add(logged(load.run(Results.Run.UNLOADED, options.unloadedRate(), options.step(), drain)));
            List<Integer> rates = options.rates();
            if (rates.isEmpty()) {
                // Double until the system falls behind, then halve the gap between the last rate kept up with and
                // the first not a few times: the peak lies in [kept, lost).
                int kept = 0;
                int lost = 0;
                int bisections = 0;
                for (int rate = options.startRate(); rate <= MAX_RATE;) {
                    Step step = logged(load.run("rate " + rate, rate, options.step(), drain));
                    steps.add(step);
                    if (step.saturated()) {
                        lost = rate;
                    } else {
                        kept = rate;
                    }
                    if (lost == 0) {
                        rate *= 2;
                    } else if (bisections++ < REFINEMENTS && lost - kept > 1) {
                        rate = (kept + lost) / 2;
                    } else {
                        break;
                    }
                }
            } else {
                for (int rate : rates) {
                    steps.add(logged(load.run("rate " + rate, rate, options.step(), drain)));
                }
            }
            int half = Math.max(1, (int) Math.round(peak(steps) / 2));
            steps.add(logged(load.run(Results.Run.HALF_OF_PEAK, half, options.step(), drain)));
            // Latency without queueing once every process has compiled its hot code: what the round trips cost.
            steps.add(logged(load.run(Results.Run.UNLOADED_WARM, options.unloadedRate(), options.step(), drain)));
        }
        return steps;
    }

    private static Results.Run run(Options.Setup setup, String label, Options options, List<Step> steps,
            double proxyRoundTrip, Results.Idle idle, Results.Idle idleWarm, double rss) {
        return new Results.Run(label, setup.layout(),
                setup.latencyMillis().isPresent() ? setup.latencyMillis().getAsDouble() : null,
                setup.app().orElse(options.app()).toString(), proxyRoundTrip, idle, steps, idleWarm, peak(steps), rss);
    }

    /** CPU (cores) each process, and PostgreSQL for each, uses while nothing happens, after a few seconds to settle. */
    private static Results.Idle idle(ProcessStats stats, Duration window, String what) throws InterruptedException {
        Thread.sleep(window.toMillis() / 3);
        ProcessStats.Mark mark = stats.mark();
        Thread.sleep(window.toMillis());
        ProcessStats.Usage usage = stats.since(mark);
        Map<String, Double> cores = new LinkedHashMap<>();
        usage.processes().forEach((name, process) -> cores.put(name, process.cores()));
        log("%s: %s; PostgreSQL: %s", what, Report.join(cores, "%.3f"), Report.join(usage.postgresCoresBy(), "%.3f"));
        return new Results.Idle(cores, usage.postgresCoresBy());
    }

    private static Results.Limits limits(Options options, String amqpHost, int amqpPort, String jdbc) throws Exception {
        double messageBytes = averageEventBytes(jdbc);
        log("measuring the physical limits");
        double commits = PhysicalLimits.commitsPerSecond(jdbc, CONNECTIONS, options.limitWindow());
        double commitsOne = PhysicalLimits.commitsPerSecond(jdbc, 1, options.limitWindow());
        double messages = PhysicalLimits.messagesPerSecondFromOwnJvm(amqpHost, amqpPort, (int) messageBytes, WINDOW,
                options.limitWindow());
        Double artemis = options.artemis().isEmpty() ? null : PhysicalLimits.artemisPerfClient(options.artemis().get(),
                amqpHost, amqpPort, (int) messageBytes, WINDOW, options.limitWindow(), options.out());
        return new Results.Limits(CONNECTIONS, commits, commitsOne, (int) messageBytes, WINDOW, messages, artemis);
    }

    /**
     * The highest rate the system kept up with (see {@link Step#saturated}). A step it fell behind in also completes
     * its sagas at some rate, but that rate depends on how far it was overloaded (deeper queues, bigger batches), so
     * two setups compared by it are compared at different overloads.
     */
    static double peak(List<Step> steps) {
        return steps.stream().filter(step -> !step.saturated()).mapToDouble(Step::sagasPerSecond).max().orElse(0);
    }

    /** The ratios, each between two setups of this run where it has them. */
    private static Results.Targets targets(List<Results.Run> runs, Options options) {
        Optional<Results.Run> single = find(runs, r -> r.layout().equals("single") && r.latencyMillis() == null && isDefault(r, options));
        Optional<Results.Run> split = find(runs, r -> r.layout().equals("split") && r.latencyMillis() == null && isDefault(r, options));
        Optional<Results.Run> before = find(runs, r -> r.layout().equals("single") && r.latencyMillis() == null && !isDefault(r, options));
        Optional<Results.Run> proxied = find(runs, r -> r.latencyMillis() != null && r.latencyMillis() == 0 && isDefault(r, options));
        Optional<Results.Run> far = proxied.flatMap(p -> find(runs, r -> r.latencyMillis() != null && r.latencyMillis() > 0
                && r.layout().equals(p.layout()) && r.app().equals(p.app())));
        Double splitOverSingle = split.isPresent() && single.isPresent()
                ? split.get().peakSagasPerSecond() / single.get().peakSagasPerSecond() : null;
        Double latencyOverProxy = far.isPresent() ? far.get().peakSagasPerSecond() / proxied.get().peakSagasPerSecond() : null;
        Double growth = far.isPresent() ? far.get().unloadedWarm().endToEnd().p50() - proxied.get().unloadedWarm().endToEnd().p50() : null;
        // The added round trip as measured through the proxies (timer granularity adds a little to the nominal delay).
        Double growthLimit = far.isPresent() ? 30 * Math.max(2 * far.get().latencyMillis(),
                far.get().proxyRoundTripMillis() - proxied.get().proxyRoundTripMillis()) : null;
        Double splitTransactions = split.or(() -> find(runs, r -> r.layout().equals("split") && isDefault(r, options)))
                .map(r -> r.halfOfPeak().writeTransactionsPerSaga()).orElse(null);
        Double singleOverBefore = single.isPresent() && before.isPresent()
                ? single.get().peakSagasPerSecond() / before.get().peakSagasPerSecond() : null;
        Double rss = single.map(Results.Run::lifetimePeakRssMiB).orElse(null);
        return new Results.Targets(splitOverSingle, latencyOverProxy, growth, growthLimit, splitTransactions, singleOverBefore, rss);
    }

    private static boolean isDefault(Results.Run run, Options options) {
        return run.app().equals(options.app().toString());
    }

    private static Optional<Results.Run> find(List<Results.Run> runs, Predicate<Results.Run> which) {
        return runs.stream().filter(which).max(Comparator.comparingDouble(Results.Run::peakSagasPerSecond));
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

    private static Map<String, String> machine(String setup) throws Exception {
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
        machine.put("setup", setup);
        return machine;
    }

    private static Step logged(Step step) {
        StringBuilder processes = new StringBuilder();
        step.processes().forEach((name, p) -> processes.append(String.format(Locale.ROOT, " %s %.1f (jit %.1f, %.0f wake-ups)", name,
                p.cpuMillisPerSaga(), p.jitMillisPerSaga(), p.wakeUpsPerSaga())));
        StringBuilder infrastructure = new StringBuilder();
        step.infrastructureCpuMillisPerSaga()
                .forEach((name, ms) -> infrastructure.append(String.format(Locale.ROOT, " %s %.0f", name, ms)));
        log("%-14s offered %4d/s  ended %7.1f/s  p50 %6.0f ms  p99 %7.0f ms  unfinished %d  errors %d  app cpu %.2f (%.0f ms/saga:%s)  infrastructure ms/saga:%s  tx/saga %.1f  machine %.0f %%  rss %.0f MiB",
                step.label(), step.offeredPerSecond(), step.sagasPerSecond(), step.endToEnd().p50(), step.endToEnd().p99(),
                step.unfinished(), step.httpErrors(), step.appCores(), step.appCpuMillisPerSaga(), processes, infrastructure,
                step.writeTransactionsPerSaga(), step.machineBusyPercent(), step.appPeakRssMiB());
        return step;
    }

    static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
