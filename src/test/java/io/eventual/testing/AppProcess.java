package io.eventual.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One packaged eventual process (java -jar target/quarkus-app/quarkus-run.jar), which a test can kill -9. */
public final class AppProcess {

    /** JVM options of the fault suites' processes: small heap, quick start. */
    public static final List<String> TEST_JVM = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final String name;
    public final int port;
    private final Map<String, String> config;
    private final List<String> jvmOptions;
    private final Path log;
    private final Path jar;
    private Process process;

    public AppProcess(String name, int port, Map<String, String> config, List<String> jvmOptions, Path logDirectory) {
        this(name, port, config, jvmOptions, logDirectory, Path.of("target/quarkus-app/quarkus-run.jar"));
    }

    /** A process of the packaged application {@code jar} (another build, for comparisons). */
    public AppProcess(String name, int port, Map<String, String> config, List<String> jvmOptions, Path logDirectory, Path jar) {
        this.name = name;
        this.port = port;
        this.config = config;
        this.jvmOptions = jvmOptions;
        this.log = logDirectory.resolve(name + ".log");
        this.jar = jar;
    }

    /**
     * The split deployment the fault suites run: saga, payment, and inventory+shipping (whose HTTP port the tests use),
     * each its own process, started and ready.
     */
    public static List<AppProcess> startSplit(Map<String, String> config, Path logDirectory) throws IOException {
        migrate(config, logDirectory);
        List<AppProcess> processes = List.of(
                new AppProcess("saga", freePort(), running(config, "saga"), TEST_JVM, logDirectory),
                new AppProcess("payment", freePort(), running(config, "payment"), TEST_JVM, logDirectory),
                new AppProcess("inventory-shipping", freePort(), running(config, "inventory,shipping"), TEST_JVM, logDirectory));
        processes.forEach(AppProcess::start);
        processes.forEach(AppProcess::awaitReady);
        return processes;
    }

    /**
     * {@code config} for a process running {@code functions}: as deployed, one function logs in to the broker and the
     * database with that function's accounts (the store's are the trigger's) and does not migrate the schema;
     * several share the all-functions dev accounts, as dev mode does.
     */
    public static Map<String, String> running(Map<String, String> config, String functions) {
        String account = functions.equals("store") ? "trigger" : functions;
        Map<String, String> running = with(config, "eventual.functions", functions);
        if (io.eventual.local.LocalInfrastructure.ACCOUNTS.containsKey(account)) {
            running.put("eventual.broker.username", account);
            running.put("eventual.broker.password", account);
            running.put("quarkus.datasource.username", "eventual_" + account);
            running.put("quarkus.datasource.password", "eventual_" + account);
            running.put("quarkus.flyway.migrate-at-start", "false");
        }
        return running;
    }

    /**
     * Migrates the schema as its owner, the way the deployment's migration Job does: the application with
     * {@code quarkus.init-and-exit}, which runs Flyway and exits.
     */
    public static void migrate(Map<String, String> config, Path logDirectory) throws IOException {
        migrate(config, TEST_JVM, logDirectory, Path.of("target/quarkus-app/quarkus-run.jar"));
    }

    public static void migrate(Map<String, String> config, List<String> jvmOptions, Path logDirectory, Path jar)
            throws IOException {
        AppProcess migration = new AppProcess("migrate", freePort(), with(config, "quarkus.init-and-exit", "true"),
                jvmOptions, logDirectory, jar);
        migration.start();
        try {
            if (!migration.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || migration.process.exitValue() != 0) {
                migration.kill();
                throw new IllegalStateException("the migration did not complete; see " + migration.log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(config);
        copy.put(key, value);
        return copy;
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up), so that no outgoing connection of another process can
     * take it between now and the application's start.
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (java.net.ServerSocket socket = new java.net.ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    public Map<String, String> config() {
        return config;
    }

    public void start() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    public void awaitReady() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .failFast(name + " exited; see " + log, () -> !process.isAlive())
                .until(() -> status("/q/health/ready") == 200);
    }

    /** SIGKILL: no shutdown hooks, no graceful close, whatever was in flight is cut off. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
