package io.eventual.messaging.amqp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.eventual.messaging.EventualConfig;

/**
 * Where one broker pair is: {@code eventual.broker.host:port} (the live broker of a pair), then each of
 * {@code eventual.broker.failover-hosts} (its backup); or one entry of {@code eventual.broker.partitions}. A connection
 * that cannot be made or is lost moves on to the next, round the list: a backup accepts clients only once it has taken
 * over, so the one that answers is the live one.
 */
final class BrokerEndpoints {

    record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final List<Endpoint> endpoints;
    private final AtomicInteger current = new AtomicInteger();

    BrokerEndpoints(EventualConfig.Broker config) {
        List<Endpoint> all = new ArrayList<>();
        all.add(new Endpoint(config.host(), config.port()));
        config.failoverHosts().orElse(List.of()).forEach(entry -> all.add(parse(entry, config.port())));
        this.endpoints = List.copyOf(all);
    }

    private BrokerEndpoints(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    /**
     * The broker pairs orders are partitioned over, in partition order: each entry of
     * {@code eventual.broker.partitions} (its brokers separated by spaces), or the one pair of {@code host} and
     * {@code failover-hosts}.
     */
    static List<BrokerEndpoints> partitions(EventualConfig.Broker config) {
        List<String> partitions = config.partitions().orElse(List.of());
        if (partitions.isEmpty()) {
            return List.of(new BrokerEndpoints(config));
        }
        return partitions.stream().map(pair -> new BrokerEndpoints(java.util.Arrays.stream(pair.trim().split("\\s+"))
                .map(entry -> parse(entry, config.port())).toList())).toList();
    }

    /** {@code host} or {@code host:port}; the port of {@code eventual.broker.port} when absent. */
    static Endpoint parse(String entry, int defaultPort) {
        String trimmed = entry.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon < 0) {
            return new Endpoint(trimmed, defaultPort);
        }
        try {
            return new Endpoint(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("eventual.broker.failover-hosts: '" + entry + "' is not host or host:port");
        }
    }

    Endpoint current() {
        return endpoints.get(Math.floorMod(current.get(), endpoints.size()));
    }

    /** The next endpoint to try after {@code failed} did not answer or went away (once, however many noticed). */
    Endpoint failed(Endpoint failed) {
        int seen = current.get();
        if (endpoints.get(Math.floorMod(seen, endpoints.size())).equals(failed)) {
            current.compareAndSet(seen, seen + 1);
        }
        return current();
    }

    List<Endpoint> all() {
        return endpoints;
    }

    @Override
    public String toString() {
        return endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(", "));
    }
}
