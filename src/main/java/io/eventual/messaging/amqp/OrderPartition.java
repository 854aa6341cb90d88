package io.eventual.messaging.amqp;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which broker pair an order lives on when orders are partitioned over several ({@code eventual.broker.partitions}):
 * the CRC-32 of its id's UTF-8 bytes, modulo the number of pairs. Every event of the order goes there, so the broker's
 * grouping by order keeps its events in sequence; outside producers that choose their own order ids compute the same
 * (CRC-32 is in every language's standard library; docs/capacity.md).
 */
public final class OrderPartition {

    private OrderPartition() {
    }

    /** The partition of {@code orderId} among {@code partitions}; events without an order go to the first. */
    public static int of(String orderId, int partitions) {
        if (orderId == null || partitions <= 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(orderId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }
}
