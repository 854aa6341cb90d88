package io.eventual.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.eventual.faults.BrokerPairHost;
import io.eventual.testing.AppProcess;
import io.eventual.testing.PlainJvmLogging;
import io.eventual.testing.ScratchData;

/**
 * What the broker pair costs the broker's ceiling ({@code ./mvnw verify -Pbench -Dbench.main=io.eventual.bench.PairCeiling}):
 * Artemis's own {@code artemis perf client} (durable 400-byte messages, 64 in flight) against one broker and against
 * the live broker of a pair that replicates synchronously to its backup, both running deploy/'s broker.xml in their
 * own processes, alternating one / pair twice in one sitting.
 */
public final class PairCeiling {

    static final int SIZE = 400;
    static final int WINDOW = 64;
    static final Duration WINDOW_OF_MEASURING = Duration.ofSeconds(20);

    private PairCeiling() {
    }

    public static void main(String[] args) throws Exception {
        PlainJvmLogging.configure();
        Path artemis = Path.of(args[List.of(args).indexOf("--artemis") + 1]);
        Path directory = Files.createTempDirectory("eventual-pair-ceiling");
        List<String> lines = new ArrayList<>();
        try {
            for (int round = 1; round <= 2; round++) {
                double one = one(directory, artemis);
                double pair = pair(directory.resolve("round-" + round), artemis);
                lines.add(String.format(Locale.ROOT, "round %d: one broker %.0f messages/s, the pair %.0f messages/s (%.0f %%)",
                        round, one, pair, 100 * pair / one));
                System.out.println("pair ceiling: " + lines.get(lines.size() - 1));
            }
        } finally {
            ScratchData.delete(directory);
        }
        lines.forEach(line -> System.out.println("pair ceiling: " + line));
        System.exit(0);
    }

    private static double one(Path directory, Path artemis) throws Exception {
        BrokerPairHost.Broker broker = BrokerPairHost.Broker.start(directory, "alone", AppProcess.freePort(),
                AppProcess.freePort(), AppProcess.freePort(), 0);
        try {
            broker.awaitLine("READY", Duration.ofSeconds(60));
            return measure(artemis, broker, directory);
        } finally {
            broker.stop();
        }
    }

    /**
     * A new pair with a ZooKeeper of its own: the pair's activation sequence lives in ZooKeeper, and a primary with a
     * fresh journal rightly refuses to serve under the sequence of a pair that came before it.
     */
    private static double pair(Path directory, Path artemis) throws Exception {
        int zookeeperPort = AppProcess.freePort();
        var zookeeper = BrokerPairHost.zookeeper(Files.createDirectories(directory).resolve("zookeeper"), zookeeperPort);
        int[] replication = { AppProcess.freePort(), AppProcess.freePort() };
        BrokerPairHost.Broker primary = BrokerPairHost.Broker.start(directory, "primary", AppProcess.freePort(),
                replication[0], replication[1], zookeeperPort);
        BrokerPairHost.Broker backup = null;
        try {
            primary.awaitLine("READY", Duration.ofSeconds(60));
            backup = BrokerPairHost.Broker.start(directory, "backup", AppProcess.freePort(), replication[1], replication[0],
                    zookeeperPort);
            backup.awaitLine("READY", Duration.ofSeconds(60));
            return measure(artemis, primary, directory);
        } finally {
            if (backup != null) {
                backup.stop();
            }
            primary.stop();
            zookeeper.shutdown();
        }
    }

    private static double measure(Path artemis, BrokerPairHost.Broker broker, Path directory) throws Exception {
        Path out = Files.createDirectories(directory.resolve("perf-" + broker.amqpPort()));
        return PhysicalLimits.artemisPerfClient(artemis, "127.0.0.1", broker.amqpPort(), SIZE, WINDOW, WINDOW_OF_MEASURING, out);
    }
}
