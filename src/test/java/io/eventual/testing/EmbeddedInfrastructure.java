package io.eventual.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.eventual.local.LocalInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real Artemis broker and a real PostgreSQL server for the tests, on free ports, with fresh data. */
public class EmbeddedInfrastructure implements QuarkusTestResourceLifecycleManager {

    private LocalInfrastructure infrastructure;
    private Path directory;

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("eventual-test");
            infrastructure = LocalInfrastructure.start(directory, 0, 0, serverTls(directory));
            Map<String, String> config = new LinkedHashMap<>(infrastructure.config());
            clientTls(config);
            System.setProperty("test.amqp-port", Integer.toString(infrastructure.amqpPort()));
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded broker and database", e);
        }
    }

    /** The servers' TLS identity; none: plain AMQP and PostgreSQL. */
    protected LocalInfrastructure.ServerTls serverTls(Path directory) throws Exception {
        return null;
    }

    /** Adds to {@code config} what the application needs to verify the servers' certificates. */
    protected void clientTls(Map<String, String> config) {
    }

    @Override
    public void stop() {
        try {
            infrastructure.close();
            ScratchData.delete(directory);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
