package io.eventual.local;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import io.eventual.event.EventType;
import io.eventual.messaging.amqp.BrokerAccess;
import io.eventual.messaging.amqp.BrokerAccess.Permission;
import io.eventual.messaging.amqp.BrokerSettings;
import io.eventual.store.Recorder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real ActiveMQ Artemis broker and a real PostgreSQL server inside this JVM, for {@code ./mvnw quarkus:dev} and the
 * tests. Both keep their data on disk under {@code directory}. The broker gets one multicast address per catalogued
 * event type and one durable queue per consuming function, exactly as a production broker is configured.
 *
 * <p>
 * Only in dev and test class paths: its libraries have {@code provided} scope and are not packaged.
 */
public final class LocalInfrastructure implements AutoCloseable {

    public static final String DATABASE = "eventual";
    /** Same as the deployed broker's journal-buffer-timeout (deploy/base/artemis/broker.xml). */
    static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 500_000;
    static final String DEAD_LETTERS = BrokerAccess.DEAD_LETTERS;
    static final String EXPIRED = BrokerAccess.EXPIRED;

    /**
     * The dev and test broker accounts and their roles (see {@link BrokerAccess}); the password is the user name.
     * {@code eventual} runs every function in one process; the others are the accounts of the deployment: one per
     * function process, the outside producer and the operator.
     */
    public static final Map<String, Set<String>> ACCOUNTS = Map.of(
            "eventual", Set.of(BrokerAccess.TRIGGER, BrokerAccess.STORE, "saga", "payment", "inventory", "shipping"),
            BrokerAccess.TRIGGER, Set.of(BrokerAccess.TRIGGER, BrokerAccess.STORE),
            "saga", Set.of("saga"), "payment", Set.of("payment"), "inventory", Set.of("inventory"),
            "shipping", Set.of("shipping"),
            BrokerAccess.PRODUCER, Set.of(BrokerAccess.PRODUCER), BrokerAccess.OPERATOR, Set.of(BrokerAccess.OPERATOR));

    /** The database role of each function process (as deployed: the trigger's process also runs the store). */
    public static final java.util.List<String> DATABASE_ROLES = java.util.List.of("eventual_trigger", "eventual_store",
            "eventual_saga", "eventual_payment", "eventual_inventory", "eventual_shipping");
    /**
     * The role of a process that runs every function (dev mode, the tests): a member of each function's role and
     * nothing more, so that a grant a function lacks fails here as it would deployed. Only migrations run as the owner.
     * It bypasses the outbox's row-level security, whose policies know one function per process (V18).
     */
    public static final String ALL_FUNCTIONS_ROLE = "eventual_local";

    private final Path directory;
    /** Chosen at random (requested as 0): a port taken meanwhile by someone else is replaced by another. */
    private final boolean anyAmqpPort;
    private int amqpPort;
    private final int postgresPort;
    private EmbeddedActiveMQ broker;
    private EmbeddedPostgres postgres;

    /** A server's TLS identity: a PKCS#12 key store for the broker, the same as PEM files for PostgreSQL. */
    public record ServerTls(Path keyStore, String keyStorePassword, Path certificate, Path key) {
    }

    private final ServerTls tls;

    private LocalInfrastructure(Path directory, int amqpPort, int postgresPort, boolean anyAmqpPort, ServerTls tls) {
        this.tls = tls;
        this.anyAmqpPort = anyAmqpPort;
        this.directory = directory;
        this.amqpPort = amqpPort;
        this.postgresPort = postgresPort;
    }

    /** Starts both servers; a port of 0 picks a free one. */
    public static LocalInfrastructure start(Path directory, int amqpPort, int postgresPort) throws Exception {
        return start(directory, amqpPort, postgresPort, null);
    }

    /** Starts both servers, serving only TLS (AMQPS and PostgreSQL over TLS) with {@code tls} unless it is null. */
    public static LocalInfrastructure start(Path directory, int amqpPort, int postgresPort, ServerTls tls) throws Exception {
        LocalInfrastructure infra = new LocalInfrastructure(directory, amqpPort == 0 ? freePort() : amqpPort,
                postgresPort == 0 ? freePort() : postgresPort, amqpPort == 0, tls);
        infra.startPostgres();
        infra.startBroker();
        return infra;
    }

    /** Starts the database alone (the broker elsewhere: a test's broker pair); a port of 0 picks a free one. */
    public static LocalInfrastructure startDatabase(Path directory, int postgresPort) throws Exception {
        LocalInfrastructure infra = new LocalInfrastructure(directory, 0, postgresPort == 0 ? freePort() : postgresPort, false, null);
        infra.startPostgres();
        return infra;
    }

    /** The configuration a Quarkus application needs to use these servers. */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("eventual.broker.host", "localhost");
        config.put("eventual.broker.port", Integer.toString(amqpPort));
        config.put("eventual.broker.username", "eventual");
        config.put("eventual.broker.password", "eventual");
        // The console's broker figures and pausing at the broker: the operator's account.
        config.put("eventual.management.username", BrokerAccess.OPERATOR);
        config.put("eventual.management.password", BrokerAccess.OPERATOR);
        config.put("quarkus.datasource.username", ALL_FUNCTIONS_ROLE);
        config.put("quarkus.datasource.password", ALL_FUNCTIONS_ROLE);
        config.put("quarkus.flyway.username", "postgres");
        config.put("quarkus.flyway.password", "postgres");
        config.put("quarkus.datasource.reactive.url", "postgresql://localhost:" + postgresPort + "/" + DATABASE);
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE);
        return config;
    }

    public int postgresPort() {
        return postgresPort;
    }

    public int amqpPort() {
        return amqpPort;
    }

    /** The running broker, for tests that look inside it or hook into it. */
    public EmbeddedActiveMQ broker() {
        return broker;
    }

    public synchronized void startBroker() throws Exception {
        for (int attempt = 1;; attempt++) {
            EmbeddedActiveMQ started = new EmbeddedActiveMQ().setConfiguration(brokerConfiguration())
                    .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), accounts()));
            started.start();
            if (listening(started)) {
                broker = started;
                return;
            }
            started.stop();
            if (!anyAmqpPort || attempt == 5) {
                throw new IllegalStateException("the embedded broker cannot listen on AMQP port " + amqpPort);
            }
            amqpPort = freePort();
        }
    }

    /** The acceptor binds after start() returns; a port taken since it was chosen shows up here. */
    private static boolean listening(EmbeddedActiveMQ broker) throws InterruptedException {
        var server = broker.getActiveMQServer();
        server.waitForActivation(10, java.util.concurrent.TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            var acceptor = server.getRemotingService().getAcceptor("amqp");
            if (acceptor != null && acceptor.isStarted()) {
                return true;
            }
            if (!server.isStarted()) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private Configuration brokerConfiguration() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("eventual-local")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                // Every durable send waits for the journal's next sync; NIO's default 3.3 ms buffer is meant for slow disks.
                .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .setJournalDirectory(directory.resolve("broker/journal").toString())
                .setBindingsDirectory(directory.resolve("broker/bindings").toString())
                .setPagingDirectory(directory.resolve("broker/paging").toString())
                .setLargeMessagesDirectory(directory.resolve("broker/large-messages").toString())
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                .setMaxDiskUsage(-1)
                .addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + amqpPort + "?protocols=AMQP" + (tls == null ? ""
                        : ";sslEnabled=true;keyStoreType=PKCS12;keyStorePath=" + tls.keyStore().toAbsolutePath()
                                + ";keyStorePassword=" + tls.keyStorePassword()));
        config.addAddressSetting("#", everyAddress());
        for (BrokerAccess.Rule rule : BrokerAccess.rules(BrokerAccess.defaultInbound())) {
            Set<Role> roles = new HashSet<>();
            for (String role : BrokerAccess.roles()) {
                Predicate<Permission> may = permission -> rule.roles().get(permission).contains(role);
                if (rule.roles().values().stream().anyMatch(granted -> granted.contains(role))) {
                    roles.add(new Role(role, may.test(Permission.SEND), may.test(Permission.CONSUME),
                            may.test(Permission.CREATE_DURABLE_QUEUE), may.test(Permission.DELETE_DURABLE_QUEUE),
                            may.test(Permission.CREATE_NON_DURABLE_QUEUE), may.test(Permission.DELETE_NON_DURABLE_QUEUE),
                            may.test(Permission.MANAGE), may.test(Permission.BROWSE), may.test(Permission.CREATE_ADDRESS),
                            may.test(Permission.DELETE_ADDRESS), may.test(Permission.VIEW), may.test(Permission.EDIT)));
                }
            }
            config.putSecurityRoles(rule.match(), roles);
        }
        for (String address : new String[] { DEAD_LETTERS, EXPIRED }) {
            config.addAddressConfiguration(new CoreAddressConfiguration().setName(address)
                    .addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfiguration(QueueConfiguration.of(address).setRoutingType(RoutingType.ANYCAST)));
        }
        for (EventType type : EventType.values()) {
            CoreAddressConfiguration address = new CoreAddressConfiguration()
                    .setName(type.typeName())
                    .addRoutingType(RoutingType.MULTICAST);
            for (String function : type.consumers()) {
                address.addQueueConfiguration(QueueConfiguration.of(type.queue(function))
                        .setAddress(type.typeName())
                        .setRoutingType(RoutingType.MULTICAST)
                        .setDurable(true));
            }
            config.addAddressConfiguration(address);
        }
        // The event store's subscription: a queue on the wildcard address receives every event, of any type.
        config.addAddressConfiguration(new CoreAddressConfiguration().setName(Recorder.ADDRESS)
                .addRoutingType(RoutingType.MULTICAST)
                .addQueueConfiguration(QueueConfiguration.of(Recorder.QUEUE).setAddress(Recorder.ADDRESS)
                        .setRoutingType(RoutingType.MULTICAST).setDurable(true).setFilterString(Recorder.FILTER)));
        return config;
    }

    /** The address settings deployed brokers have (BrokerSettings), read by Artemis's own parser of broker.xml. */
    private static AddressSettings everyAddress() throws Exception {
        Element core = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader("<core xmlns=\"urn:activemq:core\"><address-settings>"
                        + BrokerSettings.xml() + "</address-settings></core>")))
                .getDocumentElement();
        Configuration parsed = new ConfigurationImpl();
        new FileConfigurationParser().parseMainConfig(core, parsed);
        return parsed.getAddressSettings().get("#");
    }

    /** The dev and test accounts (docs/security.md), each with the password of its name; anonymous logins are refused. */
    public static SecurityConfiguration accounts() {
        SecurityConfiguration accounts = new SecurityConfiguration();
        ACCOUNTS.forEach((user, roles) -> {
            accounts.addUser(user, user);
            roles.forEach(role -> accounts.addRole(user, role));
        });
        return accounts;
    }

    public synchronized void stopBroker() throws Exception {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    public synchronized void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    public synchronized void startPostgres() throws IOException, java.sql.SQLException {
        stopOrphanedPostgres(directory.resolve("postgres"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (tls != null) {
            builder.setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", tls.certificate().toAbsolutePath().toString())
                    .setServerConfig("ssl_key_file", tls.key().toAbsolutePath().toString());
        }
        postgres = builder
                .setPort(postgresPort)
                .setDataDirectory(directory.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "300")
                // The library turns this off for speed; a commit must survive the process being killed.
                .setServerConfig("synchronous_commit", "on")
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("alter user postgres password 'postgres'");
            // The functions' database roles, able to log in (the migration grants them their tables; see
            // docs/security.md); the dev password of each is its name.
            for (String role : DATABASE_ROLES) {
                login(statement, role);
            }
            login(statement, ALL_FUNCTIONS_ROLE);
            statement.execute("alter role " + ALL_FUNCTIONS_ROLE + " bypassrls");
            statement.execute("grant " + String.join(", ", DATABASE_ROLES) + " to " + ALL_FUNCTIONS_ROLE);
            try (ResultSet exists = statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (!exists.next()) {
                    statement.execute("create database " + DATABASE);
                }
            }
        }
    }

    /** Creates {@code role} able to log in with the password of its name, or gives it that password. */
    private static void login(Statement statement, String role) throws java.sql.SQLException {
        try (ResultSet exists = statement.executeQuery("select 1 from pg_roles where rolname = '" + role + "'")) {
            statement.execute((exists.next() ? "alter" : "create") + " role " + role + " login password '" + role + "'");
        }
    }

    /**
     * PostgreSQL runs as a child process; when the JVM that started it was killed (kill -9 of dev mode), it is still
     * running on our data directory. Stop it so that a new one can take over the same data.
     */
    private static void stopOrphanedPostgres(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!java.nio.file.Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(java.nio.file.Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return;
        }
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(orphan -> {
            try {
                // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, the data stays consistent.
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
                orphan.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                orphan.destroyForcibly();
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public synchronized void close() throws Exception {
        stopBroker();
        stopPostgres();
    }
}
