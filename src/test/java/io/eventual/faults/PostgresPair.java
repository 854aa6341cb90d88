package io.eventual.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.eventual.local.LocalInfrastructure;
import io.eventual.testing.AppProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL primary (set up as dev mode's: roles, database) and a streaming standby copied from it, synchronous or
 * not, behind an {@link Endpoint}; the primary can be killed with SIGKILL and the standby promoted, as an operator or
 * Patroni would.
 */
final class PostgresPair implements AutoCloseable {

    static final String STANDBY = "standby";

    private final LocalInfrastructure primary;
    private final Path primaryData;
    private final EmbeddedPostgres standby;
    private final Endpoint replication;
    private final Endpoint endpoint;

    private PostgresPair(LocalInfrastructure primary, Path primaryData, EmbeddedPostgres standby, Endpoint replication,
            Endpoint endpoint) {
        this.primary = primary;
        this.primaryData = primaryData;
        this.standby = standby;
        this.replication = replication;
        this.endpoint = endpoint;
    }

    static PostgresPair start(Path directory, boolean synchronous) throws Exception {
        LocalInfrastructure primary = LocalInfrastructure.startDatabase(directory.resolve("primary"), 0);
        Path primaryData = directory.resolve("primary/postgres");
        // A base backup without pg_basebackup (zonky ships initdb, pg_ctl and postgres): a copy of the stopped primary.
        primary.stopPostgres();
        Path standbyData = directory.resolve("standby");
        try (Stream<Path> files = Files.walk(primaryData)) {
            for (Path file : files.toList()) {
                Path copy = standbyData.resolve(primaryData.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else if (!file.getFileName().toString().equals("postmaster.pid")) {
                    Files.copy(file, copy);
                }
            }
        }
        Files.setPosixFilePermissions(standbyData, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createFile(standbyData.resolve("standby.signal"));
        // The standby streams through a link the test can cut (a network partition).
        Endpoint replication = new Endpoint(primary.postgresPort());
        Files.writeString(standbyData.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port="
                + replication.port() + " user=postgres password=postgres application_name=" + STANDBY + "'\n",
                java.nio.file.StandardOpenOption.APPEND);
        primary.startPostgres();
        EmbeddedPostgres standby = EmbeddedPostgres.builder().setDataDirectory(standbyData).setCleanDataDirectory(false)
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(directory.resolve("standby.log").toFile()))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(directory.resolve("standby.log").toFile()))
                .setPort(AppProcess.freePort()).setServerConfig("max_connections", "300")
                .setServerConfig("synchronous_commit", "on").start();
        String url = "jdbc:postgresql://127.0.0.1:" + primary.postgresPort() + "/postgres";
        if (synchronous) {
            // Every commit waits until the standby has it on disk: a commit acknowledged is a commit on both.
            execute(url, "alter system set synchronous_standby_names = '" + STANDBY + "'", "select pg_reload_conf()");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> (synchronous ? "sync" : "async").equals(single(url,
                "select sync_state from pg_stat_replication where application_name = '" + STANDBY + "' and state = 'streaming'")));
        return new PostgresPair(primary, primaryData, standby, replication, new Endpoint(primary.postgresPort()));
    }

    /** What the application is given: the endpoint in place of the primary's own address. */
    Map<String, String> config() {
        Map<String, String> config = new java.util.LinkedHashMap<>(primary.config());
        String at = "localhost:" + primary.postgresPort();
        config.replaceAll((key, value) -> value.replace(at, "localhost:" + endpoint.port()));
        return config;
    }

    String jdbcUrl() {
        return config().get("quarkus.datasource.jdbc.url");
    }

    /** SIGKILL to the primary's postmaster and every backend: nothing shuts down cleanly. */
    void killPrimary() throws IOException {
        ProcessHandle postmaster = postmaster(primaryData);
        List<ProcessHandle> doomed = Stream.concat(postmaster.descendants(), Stream.of(postmaster)).toList();
        doomed.forEach(ProcessHandle::destroyForcibly);
        doomed.forEach(process -> process.onExit().join());
    }

    /**
     * Promotes the standby, which then commits alone (as Patroni's non-strict synchronous mode does until a new
     * standby joins), and moves the endpoint to it.
     */
    void promoteStandby() throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + standby.getPort() + "/postgres";
        execute(url, "select pg_promote()", "alter system reset synchronous_standby_names", "select pg_reload_conf()");
        endpoint.moveTo(standby.getPort());
    }

    /**
     * Waits until the standby has replayed everything the primary has written so far: with asynchronous replication a
     * commit acknowledged a moment ago may not have left the primary yet.
     */
    void awaitStandbyCaughtUp() throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + primary.postgresPort() + "/postgres";
        String written = single(url, "select pg_current_wal_lsn()");
        await().atMost(Duration.ofSeconds(30)).until(() -> "t".equals(single(url, "select replay_lsn >= '" + written
                + "'::pg_lsn from pg_stat_replication where application_name = '" + STANDBY + "'")));
    }

    /** Cuts the network between primary and standby, or mends it: the standby receives nothing while cut. */
    void partition(boolean cut) {
        replication.cut(cut);
    }

    private static ProcessHandle postmaster(Path data) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("PostgreSQL " + pid + " is not running"));
    }

    static void execute(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static String single(String url, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                ResultSet rs = connection.createStatement().executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() throws Exception {
        endpoint.close();
        replication.close();
        standby.close();
        try {
            primary.close();
        } catch (Exception alreadyKilled) {
            // the test killed it
        }
    }
}
