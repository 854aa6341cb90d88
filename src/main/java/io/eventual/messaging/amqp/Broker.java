package io.eventual.messaging.amqp;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.eventual.event.EventCodec;
import io.eventual.event.Priority;
import io.eventual.messaging.Contexts;
import io.eventual.messaging.DeadLetters;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Outage;
import io.eventual.messaging.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;

/**
 * The AMQP 1.0 connections of this process: one to each broker pair orders are partitioned over (one, unless
 * {@code eventual.broker.partitions} lists more), each with an anonymous sender for publishing and one receiver per
 * subscribed queue. An event goes to the pair of its order ({@link OrderPartition}); consumers read every pair. Each
 * connection reconnects by itself, moving between the brokers of its pair, and re-attaches every receiver. Consumers
 * settle a message only after it has been handled (or parked as a dead letter), so an unhandled message goes back to
 * the broker, never into the void.
 *
 * <p>
 * Receivers are read from the raw client rather than through the SmallRye AMQP connector because the connector drops
 * a message whose JSON body it cannot parse without settling it; eventual must dead-letter such a message instead.
 */
@ApplicationScoped
public class Broker {

    private static final Logger LOG = Logger.getLogger(Broker.class);
    private static final java.time.Duration SEND_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** A consumer of one queue; cancelling it detaches its receivers, and their unsettled messages go back to the queue. */
    public interface Subscription {
        void cancel();
    }

    private final class Consumer implements Subscription {
        final String queue;
        final Function<Delivery, Uni<Void>> handler;
        final int concurrency;
        /** The event loop this queue's messages are handled on: queues are spread over all of them. */
        final Context context;
        final OrderSequencer orders = new OrderSequencer();
        /** Its receiver on each pair's connection. */
        final Map<Link, AmqpReceiver> receivers = new ConcurrentHashMap<>();
        /** Attaches refused, per pair: each next try waits twice as long (up to a minute). */
        final Map<Link, Integer> failedAttaches = new ConcurrentHashMap<>();
        volatile boolean cancelled;

        Consumer(String queue, int concurrency, Function<Delivery, Uni<Void>> handler) {
            this.queue = queue;
            this.concurrency = concurrency;
            this.handler = handler;
            this.context = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
        }

        @Override
        public void cancel() {
            cancelled = true;
            consumers.remove(this);
            receivers.values().forEach(AmqpReceiver::close);
        }
    }

    /** The connection to one broker pair: whichever of its brokers is live. */
    private final class Link {
        final BrokerEndpoints endpoints;
        /** One client per endpoint (a client knows one host); connections go to {@link BrokerEndpoints#current()}. */
        final Map<BrokerEndpoints.Endpoint, AmqpClient> clients = new ConcurrentHashMap<>();
        final Outage unreachable;
        volatile AmqpConnection connection;
        volatile AmqpSender sender;
        /** Sends waiting for the broker's answer: failed at once when the connection is lost, which never answers them. */
        final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

        Link(BrokerEndpoints endpoints) {
            this.endpoints = endpoints;
            this.unreachable = new Outage(LOG, "connecting to the AMQP broker at " + endpoints);
        }

        boolean isConnected() {
            AmqpConnection current = connection;
            return current != null && sender != null && !current.isDisconnected();
        }
    }

    private final Vertx vertx;
    private final EventualConfig.Broker config;
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();
    private final List<Runnable> onConnected = new CopyOnWriteArrayList<>();
    private final List<Link> links;
    private volatile boolean started;
    private volatile boolean stopped;
    private final int concurrency;

    private final Counter connections;
    private final Counter attachFailures;

    Broker(Vertx vertx, EventualConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size", defaultValue = "20") int poolSize) {
        this.connections = Counter.builder("eventual.broker.connections")
                .description("Connections to the broker opened (the first, and every reconnect)").register(registry);
        this.attachFailures = Counter.builder("eventual.broker.attach.failures")
                .description("Consumers the broker refused to attach to their queue (tried again later)").register(registry);
        this.vertx = vertx;
        this.config = config.broker();
        this.concurrency = concurrency(config.consumer().concurrency().orElse(poolSize));
        this.links = BrokerEndpoints.partitions(this.config).stream().map(Link::new).toList();
    }

    /** Registers a consumer of {@code queue}; {@code handler} completes once the delivery may be settled. */
    public Subscription consume(String queue, Function<Delivery, Uni<Void>> handler) {
        return consume(queue, concurrency, handler);
    }

    /**
     * A consumer of {@code queue} (on every pair) that handles up to {@code wanted} messages at once from each (at most
     * the link credit).
     */
    public synchronized Subscription consume(String queue, int wanted, Function<Delivery, Uni<Void>> handler) {
        Consumer consumer = new Consumer(queue, concurrency(wanted), handler);
        consumers.add(consumer);
        for (Link link : links) {
            AmqpConnection current = link.connection;
            if (current != null) {
                attach(link, current, consumer);
            }
        }
        return consumer;
    }

    /** Messages a consumer that wants {@code wanted} at once may hold: at least one, at most the link credit. */
    public int concurrency(int wanted) {
        return Math.max(1, Math.min(wanted, config.credits()));
    }

    /** Runs {@code action} every time a connection is (re-)established. */
    public void onConnected(Runnable action) {
        onConnected.add(action);
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        for (Link link : links) {
            for (BrokerEndpoints.Endpoint endpoint : link.endpoints.all()) {
                AmqpClientOptions options = options(config, endpoint)
                        .setContainerId("eventual-" + ProcessHandle.current().pid());
                config.username().ifPresent(options::setUsername);
                config.password().ifPresent(options::setPassword);
                link.clients.put(endpoint, AmqpClient.create(vertx, options));
            }
            connect(link);
        }
    }

    /** How to reach the broker at {@code endpoint} (TLS included), without the account. */
    static AmqpClientOptions options(EventualConfig.Broker config, BrokerEndpoints.Endpoint endpoint) {
        AmqpClientOptions options = new AmqpClientOptions()
                .setHost(endpoint.host())
                .setPort(endpoint.port())
                .setConnectTimeout(5_000);
        if (config.tls().enabled()) {
            options.setSsl(true);
            config.tls().trustCerts().ifPresent(certs -> {
                PemTrustOptions trust = new PemTrustOptions();
                certs.forEach(trust::addCertPath);
                options.setTrustOptions(trust);
            });
            if (config.tls().verifyHost()) {
                options.setHostnameVerificationAlgorithm("HTTPS");
            }
        }
        return options;
    }

    /** Connected to every broker pair: what readiness reports. */
    public boolean isConnected() {
        return links.stream().allMatch(Link::isConnected);
    }

    /** Connected to at least one pair: publishing can make progress (orders of an unreachable pair wait). */
    public boolean canPublish() {
        return links.stream().anyMatch(Link::isConnected);
    }

    /**
     * Publishes one CloudEvent (binary content mode) to {@code address} on its order's pair, with the W3C trace context
     * of its publishing as plain application properties, grouped by its subject (the order id: Artemis keeps a group on
     * one consumer of a queue, so competing replicas keep each order in sequence); completes when the broker has
     * accepted it.
     */
    public Uni<Void> publish(String address, Map<String, String> attributes, Map<String, String> traceContext, String data) {
        Link link = links.get(OrderPartition.of(attributes.get("subject"), links.size()));
        AmqpSender current = link.sender;
        if (current == null || !link.isConnected()) {
            return Uni.createFrom().failure(new IllegalStateException("not connected to the broker at " + link.endpoints));
        }
        AmqpMessage message;
        try {
            message = message(address, attributes, traceContext, data);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(new Refused("cannot be sent as an AMQP message: " + e.getMessage(), e));
        }
        // A send in flight when the connection drops is never answered: it fails at once (the caller retries), and
        // after SEND_TIMEOUT in any case.
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        link.inFlight.add(accepted);
        current.sendWithAck(message).onComplete(ack -> {
            if (ack.succeeded()) {
                accepted.complete(null);
            } else if (String.valueOf(ack.cause().getMessage()).startsWith(REJECTED)) {
                accepted.completeExceptionally(new Refused("refused by the broker: " + ack.cause().getMessage(), ack.cause()));
            } else {
                accepted.completeExceptionally(ack.cause());
            }
        });
        return Uni.createFrom().completionStage(accepted).onTermination().invoke(() -> link.inFlight.remove(accepted))
                .ifNoItem().after(SEND_TIMEOUT).fail();
    }

    /** How the AMQP client reports a delivery the broker rejected (as opposed to released or modified: try again). */
    private static final String REJECTED = "message rejected (REJECTED)";

    /** A message the broker refuses for good, or that cannot be made: sending it again would change nothing. */
    public static class Refused extends RuntimeException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static AmqpMessage message(String address, Map<String, String> attributes, Map<String, String> traceContext,
            String data) {
        Message proton = Message.Factory.create();
        Map<String, Object> properties = CloudEventsAmqp.applicationProperties(attributes);
        properties.putAll(traceContext);
        proton.setApplicationProperties(new ApplicationProperties(properties));
        return AmqpMessage.create(proton)
                .address(address)
                .durable(true)
                .priority((short) priority(attributes.get(EventCodec.PRIORITY)))
                .id(attributes.get("id"))
                .subject(attributes.get("type"))
                .groupId(attributes.get("subject"))
                .contentType(attributes.getOrDefault("datacontenttype", "application/json"))
                .withBufferAsBody(Buffer.buffer(data))
                .build();
    }

    /**
     * The AMQP priority of an event; an attribute no consumer will accept travels at the normal priority, and its
     * consumer refuses it with the reason (a redriven dead letter may carry one).
     */
    private static int priority(String attribute) {
        try {
            return Priority.parse(attribute).amqp();
        } catch (RuntimeException invalid) {
            return Priority.NORMAL.amqp();
        }
    }

    private void connect(Link link) {
        if (stopped) {
            return;
        }
        BrokerEndpoints.Endpoint endpoint = link.endpoints.current();
        link.clients.get(endpoint).connect().onSuccess(conn -> {
            conn.exceptionHandler(error -> lost(link, endpoint, conn, error));
            conn.closeFuture().onComplete(closed -> lost(link, endpoint, conn, null));
            conn.createAnonymousSender().onSuccess(s -> {
                connections.increment();
                link.connection = conn;
                link.sender = s;
                link.unreachable.succeeded();
                LOG.infof("connected to the AMQP broker at %s", endpoint);
                consumers.forEach(consumer -> attach(link, conn, consumer));
                onConnected.forEach(Runnable::run);
            }).onFailure(error -> lost(link, endpoint, conn, error));
        }).onFailure(error -> {
            link.unreachable.failed(error);
            link.endpoints.failed(endpoint);
            retryLater(link);
        });
    }

    private synchronized void lost(Link link, BrokerEndpoints.Endpoint endpoint, AmqpConnection conn, Throwable error) {
        if (link.connection != conn && link.connection != null) {
            return;
        }
        if (link.connection == conn) {
            link.connection = null;
            link.sender = null;
            IllegalStateException gone = new IllegalStateException("lost the connection to the broker");
            link.inFlight.forEach(send -> send.completeExceptionally(gone));
            BrokerEndpoints.Endpoint next = link.endpoints.failed(endpoint);
            if (!stopped) {
                LOG.warnf("lost the AMQP broker connection to %s%s; reconnecting to %s", endpoint,
                        error == null ? "" : " (" + error.getMessage() + ")", next);
            }
            conn.close();
            retryLater(link);
        }
    }

    private void retryLater(Link link) {
        if (!stopped) {
            vertx.setTimer(config.reconnectInterval().toMillis(), t -> connect(link));
        }
    }

    private void attach(Link link, AmqpConnection conn, Consumer consumer) {
        AmqpReceiverOptions options = new AmqpReceiverOptions()
                .setAutoAcknowledgement(false)
                .setDurable(true)
                .setMaxBufferedMessages(config.credits());
        conn.createReceiver(consumer.queue, options).onSuccess(receiver -> {
            if (consumer.cancelled) {
                receiver.close();
                return;
            }
            consumer.receivers.put(link, receiver);
            Context connectionContext = Vertx.currentContext();
            receiver.pause();
            receiver.handler(message -> handle(receiver, connectionContext, consumer, message));
            // The broker may refuse a receiver just after accepting its attach (the client then reports success): a
            // receiver closed while its connection lives is refused too, and tried again the same way.
            receiver.exceptionHandler(error -> {
                consumer.receivers.remove(link, receiver);
                if (link.connection == conn) {
                    refused(link, conn, consumer, error);
                }
            });
            receiver.fetch(consumer.concurrency);
            LOG.debugf("consuming %s, %d at a time", consumer.queue, consumer.concurrency);
        }).onFailure(error -> refused(link, conn, consumer, error));
    }

    /**
     * This queue alone is tried again later, each time twice as late: the connection, its publishing and every other
     * consumer go on (a refused attach, e.g. a function resumed in a process whose account may not read its queues,
     * would otherwise drop them all).
     */
    private void refused(Link link, AmqpConnection conn, Consumer consumer, Throwable error) {
        attachFailures.increment();
        int failed = consumer.failedAttaches.merge(link, 1, Integer::sum);
        long delay = Math.min(config.reconnectInterval().toMillis() << Math.min(failed - 1, 5), 60_000);
        LOG.errorf("cannot consume queue %s: %s; trying again in %d ms", consumer.queue, error.getMessage(), delay);
        vertx.setTimer(delay, t -> {
            if (!consumer.cancelled && link.connection == conn && !stopped) {
                attach(link, conn, consumer);
            }
        });
    }

    /**
     * Up to {@code concurrency} messages per queue at a time, one order's (its subject, else its group) in sequence, so
     * the events of one order on one queue are applied in order; each is settled, and the next one asked for, when its
     * handling ends.
     */
    private void handle(AmqpReceiver receiver, Context connectionContext, Consumer consumer, AmqpMessage message) {
        Delivery delivery = delivery(consumer.queue, message);
        String order = delivery.attributes().getOrDefault("subject", message.groupId());
        consumer.orders.run(order, () -> Contexts.onNewContext(consumer.context, () -> consumer.handler.apply(delivery)))
                .subscribe().with(
                        done -> connectionContext.runOnContext(v -> {
                            message.accepted();
                            receiver.fetch(1);
                        }),
                        error -> connectionContext.runOnContext(v -> {
                            if (error instanceof DeadLetters.NotParked) {
                                // Kept by the broker instead: its dead-letter address, which the admin API lists.
                                LOG.errorf(error, "could not park a message from %s; rejecting it to the broker's %s",
                                        consumer.queue, BrokerAccess.DEAD_LETTERS);
                                message.rejected();
                            } else {
                                // Neither handled nor parked: the broker redelivers it later, a bounded number of times
                                // (BrokerSettings), then moves it to its dead-letter address.
                                LOG.errorf(error, "could not handle or park a message from %s; returning it to the broker",
                                        consumer.queue);
                                message.modified(true, false);
                            }
                            receiver.fetch(1);
                        }));
    }

    private static Delivery delivery(String queue, AmqpMessage message) {
        ApplicationProperties section = message.unwrap().getApplicationProperties();
        Map<?, ?> properties = section == null || section.getValue() == null ? Map.of() : section.getValue();
        Map<String, String> traceContext = new HashMap<>();
        for (String name : List.of(Tracing.TRACEPARENT, Tracing.TRACESTATE)) {
            if (properties.get(name) instanceof String value) {
                traceContext.put(name, value);
            }
        }
        CloudEventsAmqp.Attributes attributes = CloudEventsAmqp.attributes(properties);
        return new Delivery(queue, message.address(), attributes.values(), attributes.problems(), message.contentType(), body(message),
                traceContext);
    }

    private static byte[] body(AmqpMessage message) {
        Object body = message.unwrap().getBody();
        if (body instanceof Data data) {
            return CloudEventsAmqp.bytes(data.getValue());
        }
        if (body instanceof AmqpValue value) {
            if (value.getValue() instanceof Binary binary) {
                return CloudEventsAmqp.bytes(binary);
            }
            if (value.getValue() instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
        }
        return new byte[0];
    }

    @PreDestroy
    void stop() {
        stopped = true;
        links.forEach(link -> link.clients.values().forEach(AmqpClient::close));
    }
}
