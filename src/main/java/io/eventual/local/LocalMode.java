package io.eventual.local;

import java.nio.file.Path;
import java.util.Map;

import org.jboss.logging.Logger;

/**
 * Starts the embedded broker and database before Quarkus boots, when their libraries are on the class path (dev mode)
 * and no external broker or database is configured. A packaged application never has them, so it never starts them.
 */
final class LocalMode {

    private static final Logger LOG = Logger.getLogger(LocalMode.class);
    private static final String STARTED = "eventual-local.started";
    // Looked up by a name read at run time, so that a native build does not try to compile the embedded servers in.
    private static final String INFRASTRUCTURE = "io.eventual.local.LocalInfrastructure";
    private static final String ARTEMIS = "org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ";

    private LocalMode() {
    }

    static void startIfWanted() {
        if (System.getProperty(STARTED) != null || externallyConfigured()
                || !present(System.getProperty("eventual-local.probe", ARTEMIS))) {
            return;
        }
        try {
            Path directory = Path.of(setting("eventual.local.directory", "target/eventual-local")).toAbsolutePath();
            int amqpPort = Integer.parseInt(setting("eventual.local.amqp-port", "5672"));
            int postgresPort = Integer.parseInt(setting("eventual.local.postgres-port", "5433"));
            Class<?> infrastructure = Class.forName(System.getProperty("eventual-local.class", INFRASTRUCTURE));
            Object started = infrastructure.getMethod("start", Path.class, int.class, int.class)
                    .invoke(null, directory, amqpPort, postgresPort);
            @SuppressWarnings("unchecked")
            Map<String, String> config = (Map<String, String>) infrastructure.getMethod("config").invoke(started);
            config.forEach(System::setProperty);
            System.setProperty(STARTED, "true");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    ((AutoCloseable) started).close();
                } catch (Exception e) {
                    LOG.warn("stopping the embedded broker and database failed", e);
                }
            }, "eventual-local-shutdown"));
            LOG.infof("embedded Artemis broker on AMQP port %d and PostgreSQL on port %d, data in %s", amqpPort,
                    postgresPort, directory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the embedded broker and database", e.getCause() == null ? e : e.getCause());
        }
    }

    private static boolean externallyConfigured() {
        return configured("eventual.broker.host") || configured("quarkus.datasource.reactive.url");
    }

    private static boolean configured(String key) {
        return setting(key, null) != null;
    }

    /** A system property, else its environment variable (MicroProfile Config naming), else the default. */
    private static String setting(String key, String defaultValue) {
        String env = key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        return System.getProperty(key, System.getenv().getOrDefault(env, defaultValue));
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, LocalMode.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
