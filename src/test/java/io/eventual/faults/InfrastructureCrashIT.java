package io.eventual.faults;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

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
        // Back after 3 s, whatever the client does: meanwhile it retries the order it is placing.
        List<String> orders = batches.placeBatch("crash", Map.of(30, () -> {
            kill();
            CompletableFuture.runAsync(() -> {
                Batches.pause(Duration.ofSeconds(3));
                Batches.run(InfrastructureCrashIT::startHost);
            });
        }));
        batches.assertInvariants("kill -9 of embedded broker and PostgreSQL", orders, 0);
    }

    /**
     * SIGKILL to the broker's JVM and to the PostgreSQL server it started, with its backends: nothing gets to shut down
     * cleanly. PostgreSQL is no descendant of the host (pg_ctl starts it and exits), so it is found by its pid file.
     */
    static void kill() {
        ProcessHandle postmaster = postmaster();
        List<ProcessHandle> doomed = Stream.of(host.descendants(), postmaster.descendants(), Stream.of(postmaster))
                .flatMap(Function.identity()).toList();
        doomed.forEach(ProcessHandle::destroyForcibly);
        host.destroyForcibly();
        doomed.forEach(process -> process.onExit().join());
        Batches.run(host::waitFor);
        assertThatThrownBy(() -> batches.count("select 1", List.of())).as("PostgreSQL is down too")
                .isInstanceOf(IllegalStateException.class);
    }

    private static ProcessHandle postmaster() {
        try {
            long pid = Long.parseLong(Files.readAllLines(directory.resolve("postgres/postmaster.pid")).get(0).trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("PostgreSQL " + pid + " is not running"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
