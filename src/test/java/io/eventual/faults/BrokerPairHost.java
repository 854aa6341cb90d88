package io.eventual.faults;

import java.nio.file.Path;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

import io.eventual.local.LocalInfrastructure;
import io.eventual.testing.PlainJvmLogging;

/**
 * One broker of the pair, in a process of its own so that a test can kill it with SIGKILL: Artemis with deploy/'s
 * broker.xml as it is (its role, names and ZooKeeper from system properties, as the StatefulSets set them in the
 * environment) and the dev accounts. Argument: broker.xml. Prints READY once live (the primary) or in sync with the
 * primary (the backup), and LIVE when a backup has taken over.
 */
public final class BrokerPairHost {

    /** The broker's life (replication, lock, activation: AMQ22xxxx) at INFO, for the failover's story in broker.log. */
    private static final java.util.logging.Logger SERVER = java.util.logging.Logger.getLogger("org.apache.activemq.artemis.core.server");

    public static void main(String[] args) throws Exception {
        PlainJvmLogging.configure();
        SERVER.setLevel(java.util.logging.Level.INFO);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfigResourcePath(Path.of(args[0]).toUri().toString())
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), LocalInfrastructure.accounts()));
        broker.start();
        ActiveMQServer server = broker.getActiveMQServer();
        boolean backup = server.getHAPolicy().isBackup();
        if (backup) {
            await(() -> server.isReplicaSync() || serving(server));
            say("READY");
        }
        // A broker serves clients once live: a backup starts its acceptors only when it takes over.
        await(() -> serving(server));
        say(backup ? "LIVE" : "READY");
        Thread.currentThread().join();
    }

    private static boolean serving(ActiveMQServer server) {
        var amqp = server.getRemotingService() == null ? null : server.getRemotingService().getAcceptor("amqp");
        return amqp != null && amqp.isStarted();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(50);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
