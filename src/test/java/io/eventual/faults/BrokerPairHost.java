package io.eventual.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

import io.eventual.local.LocalInfrastructure;
import io.eventual.messaging.amqp.Broker;
import io.eventual.testing.PlainJvmLogging;

/**
 * One broker of the pair, in a process of its own so that a test can kill it with SIGKILL: Artemis with deploy/'s
 * broker.xml as it is (its role, names and ZooKeeper from system properties, as the StatefulSets set them in the
 * environment) and the dev accounts. Argument: broker.xml. Prints READY once live (the primary) or in sync with the
 * primary (the backup), and LIVE when a backup has taken over.
 */
public final class BrokerPairHost {

    static final Path DEPLOYED = Path.of("deploy/base/artemis");

    /** One broker in its process: its AMQP port and log (its output, where it says READY and LIVE). */
    public record Broker(Process process, int amqpPort, Path log) {

        /**
         * Runs deploy/'s broker.xml as it is: what the StatefulSet puts in the environment comes as system properties,
         * and the directory it includes from holds the deployed role files beside acceptors on this test's ports.
         * Role {@code alone}: one broker, no pair (primary-only), for tests that need several independent brokers.
         */
        public static Broker start(Path directory, String role, int amqpPort, int replicationPort, int peerPort,
                int zookeeperPort) throws IOException {
            Path home = Files.createDirectories(directory.resolve(role + "-" + amqpPort));
            Path etc = Files.createDirectories(home.resolve("etc"));
            for (String file : List.of("ha-primary.xml", "ha-backup.xml", "connectors.xml")) {
                Files.copy(DEPLOYED.resolve(file), etc.resolve(file));
            }
            Files.writeString(etc.resolve("ha-alone.xml"), "<ha-policy xmlns=\"urn:activemq:core\"><primary-only/></ha-policy>");
            Files.writeString(etc.resolve("acceptors.xml"), """
                    <acceptors xmlns="urn:activemq:core">
                      <acceptor name="amqp">tcp://127.0.0.1:%d?protocols=AMQP;saslMechanisms=PLAIN</acceptor>
                      <acceptor name="replication">tcp://127.0.0.1:%d?protocols=CORE</acceptor>
                    </acceptors>""".formatted(amqpPort, replicationPort));
            Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m",
                    "-DARTEMIS_ETC_OVERRIDE=" + etc, "-DARTEMIS_HA_ROLE=" + role,
                    "-DARTEMIS_SELF=127.0.0.1:" + replicationPort, "-DARTEMIS_PEER=127.0.0.1:" + peerPort,
                    "-DARTEMIS_ZOOKEEPER=127.0.0.1:" + zookeeperPort, "-DARTEMIS_CLUSTER_PASSWORD=test-cluster",
                    "-Dartemis.instance=" + home, "-cp", System.getProperty("java.class.path"), BrokerPairHost.class.getName(),
                    DEPLOYED.resolve("broker.xml").toAbsolutePath().toString())
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("broker.log").toFile())
                    .start();
            return new Broker(process, amqpPort, home.resolve("broker.log"));
        }

        public void awaitLine(String line, Duration within) {
            org.awaitility.Awaitility.await().atMost(within).until(() -> Files.readAllLines(log).contains(line));
        }

        public void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The broker's life (replication, lock, activation: AMQ22xxxx) at INFO, for the failover's story in broker.log. */
    private static final java.util.logging.Logger SERVER = java.util.logging.Logger.getLogger("org.apache.activemq.artemis.core.server");

    /** A ZooKeeper server on {@code port} in this JVM, keeping its data in {@code directory}: the pair's lock. */
    public static org.apache.zookeeper.server.ServerCnxnFactory zookeeper(Path directory, int port) throws Exception {
        org.apache.zookeeper.server.ZooKeeperServer server = new org.apache.zookeeper.server.ZooKeeperServer(
                directory.toFile(), directory.toFile(), 1000);
        org.apache.zookeeper.server.ServerCnxnFactory factory = org.apache.zookeeper.server.ServerCnxnFactory
                .createFactory(new java.net.InetSocketAddress("127.0.0.1", port), 100);
        factory.startup(server);
        return factory;
    }

    public static void main(String[] args) throws Exception {
        PlainJvmLogging.configure();
        SERVER.setLevel(java.util.logging.Level.INFO);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfigResourcePath(Path.of(args[0]).toUri().toString())
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), LocalInfrastructure.accounts()));
        broker.start();
        ActiveMQServer server = broker.getActiveMQServer();
        boolean backup = server.getHAPolicy().isBackup();
        if (backup) {
            waitUntil(() -> server.isReplicaSync() || serving(server));
            say("READY");
        }
        // A broker serves clients once live: a backup starts its acceptors only when it takes over.
        waitUntil(() -> serving(server));
        say(backup ? "LIVE" : "READY");
        Thread.currentThread().join();
    }

    private static boolean serving(ActiveMQServer server) {
        var amqp = server.getRemotingService() == null ? null : server.getRemotingService().getAcceptor("amqp");
        return amqp != null && amqp.isStarted();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(50);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
