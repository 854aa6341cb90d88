package io.eventual.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one benchmark run does. Without {@code --url}, it starts the embedded broker and database in its own process
 * and the packaged application (all functions) as a second process; with {@code --url}, {@code --amqp} and
 * {@code --jdbc} it drives a running deployment instead (and cannot read that process's CPU and memory).
 */
record Options(
        List<Integer> rates,
        int startRate,
        int unloadedRate,
        Duration step,
        Duration warmup,
        Duration limitWindow,
        Path out,
        List<String> jvm,
        Optional<String> url,
        Optional<String> amqp,
        Optional<String> jdbc,
        boolean jfr,
        boolean smoke,
        List<Setup> setups,
        Path app,
        Optional<Path> artemis) {

    /** How the functions are deployed and how far they are from their database and broker. */
    record Setup(String layout, OptionalDouble latencyMillis, Optional<Path> app) {

        static Setup parse(String value) {
            String[] withApp = value.trim().split("=", 2);
            String[] parts = withApp[0].split("@");
            String layout = parts[0];
            if (!layout.equals("single") && !layout.equals("split")) {
                throw new IllegalArgumentException("layout must be single or split, not " + layout + "\n" + USAGE);
            }
            return new Setup(layout, parts.length > 1 ? OptionalDouble.of(Double.parseDouble(parts[1].replaceFirst("ms$", "")))
                    : OptionalDouble.empty(), withApp.length > 1 ? Optional.of(Path.of(withApp[1])) : Optional.empty());
        }

        String label() {
            return layout + (latencyMillis.isPresent() ? " via proxy +" + fmt(latencyMillis.getAsDouble()) + " ms/direction" : "")
                    + app.map(a -> " (app " + a + ")").orElse("");
        }

        /** The same deployment, nearer or farther from its database and broker. */
        boolean sameAppAndLayout(Setup other) {
            return layout.equals(other.layout) && app.equals(other.app);
        }

        private static String fmt(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    static final String USAGE = """
            eventual benchmark: ./mvnw verify -Pbench [-Dbench.args="OPTIONS"]
              --rates 20,40,80     orders/s to offer, one step each (default: double from --start until saturated, then bisect twice)
              --start 10           first rate when doubling
              --unloaded 2         rate of the unloaded baseline step
              --step 20s           length of each step       --warmup 30s   warm-up before measuring
              --limits 5s          length of each physical-limit measurement
              --out target/benchmark   where benchmark.json, benchmark.md and latency-throughput.png go
              --jvm -Xmx192m,-XX:+UseSerialGC   JVM options of the application process (comma separated)
              --jfr                record a JFR profile of the application process (app.jfr in --out)
              --url http://host:8080 --amqp host:5672 --jdbc jdbc:postgresql://host/db?user=..&password=..
                                   drive a running deployment instead of starting one
              --layout single      single: every function in one JVM; split: one JVM per function as deploy/ runs them
                                   (trigger+store, saga, payment, inventory, shipping)
              --latency 1          put a TCP proxy between the functions and both the database and the broker that
                                   delays each direction by this many ms (0: the proxy alone); default: direct
              --setups single,split,split@0,split@1   run several setups one after the other, each
                                   layout[@latency][=app dir], and compare them; overrides --layout/--latency
              --app target/quarkus-app   the packaged application to run (e.g. a copy built from an older commit)
              --artemis DIR        an unpacked apache-artemis distribution whose `bin/artemis perf client` measures the
                                   broker's ceiling (-Pbench unpacks the embedded broker's version into target/artemis)
              --smoke              seconds-long run with a tiny load (what ./mvnw verify runs)
            """;

    static Options parse(String... args) {
        List<Integer> rates = List.of();
        int start = 10;
        int unloaded = 2;
        Duration step = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(30);
        Duration limits = Duration.ofSeconds(5);
        Path out = Path.of("target/benchmark");
        List<String> jvm = List.of("-Xmx192m", "-XX:+UseSerialGC");
        String url = null;
        String amqp = null;
        String jdbc = null;
        boolean jfr = false;
        boolean smoke = false;
        String layout = "single";
        String latency = null;
        String setups = null;
        Path app = Path.of("target/quarkus-app");
        Path artemis = null;
        List<String> list = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < list.size(); i++) {
            String option = list.get(i);
            switch (option) {
                case "--smoke" -> smoke = true;
                case "--jfr" -> jfr = true;
                case "--help" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= list.size()) {
                        throw new IllegalArgumentException("missing value after " + option + "\n" + USAGE);
                    }
                    String value = list.get(++i);
                    switch (option) {
                        case "--rates" -> rates = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
                        case "--start" -> start = Integer.parseInt(value);
                        case "--unloaded" -> unloaded = Integer.parseInt(value);
                        case "--step" -> step = seconds(value);
                        case "--warmup" -> warmup = seconds(value);
                        case "--limits" -> limits = seconds(value);
                        case "--out" -> out = Path.of(value);
                        case "--jvm" -> jvm = Arrays.stream(value.trim().split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
                        case "--url" -> url = value;
                        case "--amqp" -> amqp = value;
                        case "--jdbc" -> jdbc = value;
                        case "--layout" -> layout = value;
                        case "--latency" -> latency = value;
                        case "--setups" -> setups = value;
                        case "--app" -> app = Path.of(value);
                        case "--artemis" -> artemis = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                    }
                }
            }
        }
        if (smoke) {
            rates = rates.isEmpty() ? List.of(5) : rates;
            unloaded = 2;
            step = Duration.ofSeconds(3);
            warmup = Duration.ofSeconds(2);
            limits = Duration.ofSeconds(1);
        }
        if ((url == null) != (amqp == null) || (url == null) != (jdbc == null)) {
            throw new IllegalArgumentException("--url, --amqp and --jdbc go together\n" + USAGE);
        }
        List<Setup> parsed = setups != null ? Arrays.stream(setups.split(",")).map(Setup::parse).toList()
                : List.of(Setup.parse(latency == null ? layout : layout + "@" + latency));
        if (url != null && (parsed.size() > 1 || !parsed.get(0).layout().equals("single") || parsed.get(0).latencyMillis().isPresent())) {
            throw new IllegalArgumentException("--url drives a running deployment: no --layout, --latency or --setups\n" + USAGE);
        }
        return new Options(rates, start, unloaded, step, warmup, limits, out, jvm, Optional.ofNullable(url),
                Optional.ofNullable(amqp), Optional.ofNullable(jdbc), jfr, smoke, parsed, app, Optional.ofNullable(artemis));
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis((long) (Double.parseDouble(value.replaceFirst("s$", "")) * 1000));
    }
}
