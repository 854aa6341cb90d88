package io.eventual.bench;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import io.eventual.local.LocalInfrastructure;

/**
 * The latency proxies of one setup, one in front of the database and one in front of the broker, through which the
 * application's processes connect; none for a setup without latency.
 */
final class Proxies implements AutoCloseable {

    private final LatencyProxy database;
    private final LatencyProxy broker;
    private final int databasePort;

    private Proxies(LatencyProxy database, LatencyProxy broker, int databasePort) {
        this.database = database;
        this.broker = broker;
        this.databasePort = databasePort;
    }

    static Proxies start(Options.Setup setup, LocalInfrastructure infrastructure) throws Exception {
        int databasePort = URI.create(infrastructure.config().get("quarkus.datasource.jdbc.url").substring("jdbc:".length())).getPort();
        if (setup.latencyMillis().isEmpty()) {
            return new Proxies(null, null, databasePort);
        }
        double delay = setup.latencyMillis().getAsDouble();
        return new Proxies(LatencyProxy.start(databasePort, delay), LatencyProxy.start(infrastructure.amqpPort(), delay),
                databasePort);
    }

    /** Points the application's database and broker settings at the proxies. */
    void reroute(Map<String, String> config) {
        if (database == null) {
            return;
        }
        config.replaceAll((key, value) -> key.startsWith("quarkus.datasource.") && key.endsWith(".url")
                ? value.replace(":" + databasePort + "/", ":" + database.port() + "/") : value);
        config.put("eventual.broker.port", Integer.toString(broker.port()));
    }

    /** The round trip of a trivial query through the database proxy, in ms (median of 50); NaN without proxies. */
    double roundTripMillis() throws Exception {
        if (database == null) {
            return Double.NaN;
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + database.port() + "/"
                + LocalInfrastructure.DATABASE + "?user=postgres&password=postgres"); Statement s = c.createStatement()) {
            double[] samples = new double[50];
            for (int i = 0; i < samples.length; i++) {
                long start = System.nanoTime();
                s.execute("select 1");
                samples[i] = (System.nanoTime() - start) / 1e6;
            }
            java.util.Arrays.sort(samples);
            return samples[samples.length / 2];
        }
    }

    @Override
    public void close() throws Exception {
        if (database != null) {
            database.close();
            broker.close();
        }
    }
}
