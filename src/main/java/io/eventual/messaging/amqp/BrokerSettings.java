package io.eventual.messaging.amqp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the broker treats the messages of every address, in broker.xml's words ({@code <address-setting match="#">}):
 * the embedded broker of dev mode and the tests is configured from these, and a test keeps
 * deploy/base/artemis/broker.xml equal to them, as {@link BrokerAccess} does for the security settings.
 */
public final class BrokerSettings {

    /**
     * Deliveries of one message before the broker moves it to {@link BrokerAccess#DEAD_LETTERS}. eventual settles every
     * message it handled or parked; the broker redelivers only one that a consumer could neither handle nor park, or that
     * was in a consumer that crashed. A bound, so that a message that crashes its consumer every time cannot loop.
     */
    public static final int MAX_DELIVERY_ATTEMPTS = 10;

    private BrokerSettings() {
    }

    /** Every address's settings, element by element, in the order broker.xml lists them. */
    public static Map<String, String> everyAddress() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dead-letter-address", BrokerAccess.DEAD_LETTERS);
        settings.put("expiry-address", BrokerAccess.EXPIRED);
        // Redelivery waits, and waits longer each time: a message that keeps failing does not spin.
        settings.put("redelivery-delay", "1000");
        settings.put("redelivery-delay-multiplier", "2");
        settings.put("max-redelivery-delay", "30000");
        settings.put("max-delivery-attempts", Integer.toString(MAX_DELIVERY_ATTEMPTS));
        settings.put("default-address-routing-type", "MULTICAST");
        settings.put("default-queue-routing-type", "MULTICAST");
        settings.put("auto-create-addresses", "true");
        settings.put("auto-create-queues", "true");
        settings.put("auto-delete-queues", "false");
        settings.put("address-full-policy", "PAGE");
        // Every order is a message group (group-id = order id): hash buckets bound the broker's group table, and
        // rebalancing with dispatch paused lets a replica that joins take its share without reordering an order.
        settings.put("default-group-buckets", "1024");
        settings.put("default-group-rebalance", "true");
        settings.put("default-group-rebalance-pause-dispatch", "true");
        return settings;
    }

    /** The settings as broker.xml's {@code <address-setting match="#">} element. */
    public static String xml() {
        StringBuilder xml = new StringBuilder("<address-setting match=\"#\">\n");
        everyAddress().forEach((name, value) -> xml.append("  <").append(name).append('>').append(value).append("</")
                .append(name).append(">\n"));
        return xml.append("</address-setting>\n").toString();
    }
}
