package io.eventual.faults;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventual.testing.AppProcess;
import io.eventual.testing.ScratchData;

/**
 * The embedded broker and database of dev mode, killed with SIGKILL mid-batch and started again on the same data:
 * nothing that was accepted is lost, and every accepted order finishes.
 */
class InfrastructureCrashIT {

    static Path directory;
    static int amqpPort;
    static int postgresPort;
    static Process host;
    static AppProcess saga;
    static AppProcess payment;
    static AppProcess work;
    static List<AppProcess> processes;
    static Batches batches;

    @BeforeAll
    static void start() throws Exception {
        directory = Files.createTempDirectory("eventual-crash");
        amqpPort = AppProcess.freePort();
        postgresPort = AppProcess.freePort();
        startHost();
        Map<String, String> infrastructure = Map.of(
                "eventual.broker.host", "localhost",
                "eventual.broker.port", Integer.toString(amqpPort),
                "eventual.broker.username", "eventual",
                "eventual.broker.password", "eventual",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + postgresPort + "/eventual",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + postgresPort + "/eventual");
        Map<String, String> config = Batches.config(infrastructure);
        processes = AppProcess.startSplit(config, directory);
        saga = processes.get(0);
        payment = processes.get(1);
        work = processes.get(2);
        batches = new Batches(infrastructure.get("quarkus.datasource.jdbc.url"), work.port);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (processes != null) {
            processes.forEach(AppProcess::stop);
        }
        if (host != null) {
            host.destroy();
            if (host.waitFor(30, TimeUnit.SECONDS)) {
                ScratchData.delete(directory);
            }
        }
    }

    @Test
    void brokerAndDatabaseKilledMidBatch() {
        List<String> orders = batches.placeBatch("crash", Map.of(
                30, () -> kill(),
                40, () -> CompletableFuture.runAsync(() -> Batches.run(InfrastructureCrashIT::startHost))));
        batches.assertInvariants("kill -9 of embedded broker and PostgreSQL", orders, 0);
    }

    /** SIGKILL to the broker's JVM and to the PostgreSQL server it started: nothing gets to shut down cleanly. */
    static void kill() {
        host.descendants().forEach(ProcessHandle::destroyForcibly);
        host.destroyForcibly();
        Batches.run(host::waitFor);
    }

    /** Starts {@link InfrastructureHost} in its own JVM on the fixed ports and data directory. */
    static void startHost() throws IOException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), InfrastructureHost.class.getName(),
                directory.toString(), Integer.toString(amqpPort), Integer.toString(postgresPort))
                .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve("infrastructure.log").toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(60)).until(() -> "READY".equals(out.readLine()));
        host = process;
    }
}
