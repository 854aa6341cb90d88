package io.eventual.testing;

import java.nio.file.Files;
import java.util.Map;

import io.eventual.local.LocalInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real Artemis broker and a real PostgreSQL server for the tests, on free ports, with fresh data. */
public class EmbeddedInfrastructure implements QuarkusTestResourceLifecycleManager {

    private LocalInfrastructure infrastructure;

    @Override
    public Map<String, String> start() {
        try {
            infrastructure = LocalInfrastructure.start(Files.createTempDirectory("eventual-test"), 0, 0);
            Map<String, String> config = infrastructure.config();
            System.setProperty("test.amqp-port", Integer.toString(infrastructure.amqpPort()));
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded broker and database", e);
        }
    }

    @Override
    public void stop() {
        try {
            infrastructure.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
