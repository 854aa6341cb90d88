package io.eventual.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;

/** One scrape of {@code /q/metrics} (Prometheus text format), read back by metric name and labels. */
public final class Metrics {

    private final String text;

    private Metrics(String text) {
        this.text = text;
    }

    public static Metrics scrape() {
        return new Metrics(given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /**
     * A scrape taken once the process is quiet: nothing waits in the outbox and no event was received for half a second,
     * so that events of an earlier test still on their way (e.g. into the event store) do not count towards the next.
     */
    public static Metrics quiet() {
        Metrics[] last = { scrape() };
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                    Metrics now = scrape();
                    boolean quiet = now.value("eventual_outbox_waiting", Map.of()) == 0
                            && now.since(last[0], "eventual_events_received_total", Map.of()) == 0;
                    last[0] = now;
                    return quiet;
                });
        return last[0];
    }

    /** A scrape of the process listening on {@code port} (one of several processes of a fault suite). */
    public static Metrics scrape(int port) {
        return new Metrics(given().port(port).accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** The sum of all samples of {@code name} whose labels include {@code labels} (0 when there is none). */
    public double value(String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            if (labels.entrySet().stream().allMatch(l -> series.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Whether {@code name} is exposed at all. */
    public boolean has(String name) {
        return text.lines().anyMatch(line -> line.startsWith(name + "{") || line.startsWith(name + " "));
    }

    /** The difference of {@code name} (with {@code labels}) between {@code before} and this scrape. */
    public double since(Metrics before, String name, Map<String, String> labels) {
        return value(name, labels) - before.value(name, labels);
    }
}
