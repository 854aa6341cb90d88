package io.eventual.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.eventual.testing.RawAmqp;
import io.vertx.core.json.JsonArray;

/**
 * Drives batches of orders against running processes and checks the invariants in the database: every order ends,
 * nothing is charged, reserved or shipped twice, credit and stock are conserved.
 */
final class Batches {

    static final int ORDERS = 100;
    static final int STOCK = 100_000;
    static final List<String> SKUS = List.of("W-1", "W-2", "W-3");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String jdbcUrl;
    private final int triggerPort;

    Batches(String jdbcUrl, int triggerPort) {
        this.jdbcUrl = jdbcUrl;
        this.triggerPort = triggerPort;
    }

    /** Configuration every process of a fault suite shares: short backoffs and timeouts, seeded stock. */
    static Map<String, String> config(Map<String, String> infrastructure) {
        Map<String, String> config = new java.util.LinkedHashMap<>(infrastructure);
        config.put("eventual.retry.initial-backoff", "50ms");
        config.put("eventual.retry.max-backoff", "500ms");
        config.put("eventual.broker.reconnect-interval", "500ms");
        config.put("eventual.outbox.poll-interval", "500ms");
        config.put("eventual.saga.timeouts.screening", "10s");
        config.put("eventual.saga.timeouts.payment", "10s");
        config.put("eventual.saga.compensation-timeout", "5s");
        config.put("eventual.saga.timeout-check-interval", "200ms");
        // As in Kubernetes: JSON log lines, which a test reads back.
        config.put("quarkus.log.console.json.enabled", "true");
        SKUS.forEach(sku -> config.put("eventual.inventory.initial-stock." + sku, Integer.toString(STOCK)));
        return config;
    }

    /** Places {@link #ORDERS} orders of mixed outcome, running {@code faults} just before the numbered orders. */
    List<String> placeBatch(String scenario, Map<Integer, Runnable> faults) {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            Runnable fault = faults.get(i);
            if (fault != null) {
                fault.run();
            }
            orders.add(place(scenario + "-" + i, order(scenario, i)));
        }
        return orders;
    }

    /** Places {@code count} orders of mixed outcome from {@code clients} clients at once. */
    List<String> placeConcurrently(String scenario, int count, int clients) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<String>> placed = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                placed.add(pool.submit(() -> place(scenario + "-" + n, order(scenario, n))));
            }
            List<String> orders = new ArrayList<>();
            for (java.util.concurrent.Future<String> order : placed) {
                orders.add(order.get());
            }
            return orders;
        } finally {
            pool.shutdownNow();
        }
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** One in ten declined (over credit), one in ten short of stock, one in ten to a country not served. */
    String order(String scenario, int i) {
        String sku = SKUS.get(i % SKUS.size());
        int quantity = switch (i % 10) {
            case 2 -> STOCK + 1;
            default -> 1 + i % 3;
        };
        String price = i % 10 == 0 ? "1500.00" : "3.25";
        String country = i % 10 == 1 ? "BR" : "DE";
        return """
                {"customerId":"%s-%d","currency":"EUR","shippingAddress":{"country":"%s"},
                 "items":[{"sku":"%s","quantity":%d,"unitPrice":"%s"}]}""".formatted(scenario, i % 7, country, sku, quantity, price);
    }

    /** POST /orders with an Idempotency-Key, retried until accepted: a client that does not give up. */
    String place(String key, String body) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + triggerPort + "/orders"))
                        .header("Content-Type", "application/json").header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    return new io.vertx.core.json.JsonObject(response.body()).getString("orderId");
                }
            } catch (IOException e) {
                // retried below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("order " + key + " was never accepted");
            }
            pause(Duration.ofMillis(200));
        }
    }

    void assertInvariants(String fault, List<String> orders, int expectedDeadLetters) {
        awaitTerminal(orders);
        // Late replies may still be compensated after an order ended: check once everything has settled.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> effectsMatch(orders));
        Map<String, String> statuses = statuses(orders);
        long completed = statuses.values().stream().filter("COMPLETED"::equals).count();
        long deadLetters = count("select count(*) from dead_letter", List.of());
        System.out.printf("fault suite: %-45s orders=%d completed=%d cancelled=%d dead-letters=%d%n", fault,
                orders.size(), completed, orders.size() - completed, deadLetters);
        assertThat(deadLetters).as("dead letters").isEqualTo(expectedDeadLetters);
    }

    void effectsMatch(List<String> orders) {
        assertThat(count("select count(*) from outbox", List.of())).as("events not yet published").isZero();
        assertThat(statuses(orders).values()).allMatch(s -> s.equals("COMPLETED") || s.equals("CANCELLED"));
        // No lost events: every command a saga sent was received and applied by the function it was for.
        assertThat(list("select s.id || ' ' || (e->>'type') from saga s, json_array_elements(s.history::json) e "
                + "where s.id = any(?) and e->>'direction' = 'sent' and e->>'type' not like 'order.%' and not exists ("
                + "select 1 from processed_event p where p.event_id = e->>'eventId' "
                + "and p.consumer = split_part(e->>'type', '.', 1))", orders))
                .as("commands sent but never applied").isEmpty();
        assertThat(count("select count(*) from saga s where id = any(?) and status = 'COMPLETED' and ("
                + "not exists (select 1 from payment p where p.order_id = s.id and p.status = 'CHARGED') or "
                + "not exists (select 1 from inventory_reservation r where r.order_id = s.id and r.status = 'RESERVED') or "
                + "not exists (select 1 from shipping_shipment h where h.order_id = s.id and h.status = 'SCHEDULED'))", orders))
                .as("completed orders missing a charge, reservation or shipment").isZero();
        assertThat(count("select count(*) from saga s where id = any(?) and status = 'CANCELLED' and ("
                + "exists (select 1 from payment p where p.order_id = s.id and p.status = 'CHARGED') or "
                + "exists (select 1 from inventory_reservation r where r.order_id = s.id and r.status = 'RESERVED'))", orders))
                .as("cancelled orders still charged or holding stock").isZero();

        // Money: each account's charge is exactly the sum of its charged payments, within its limit.
        assertThat(count("select count(*) from payment_account a where a.charged <> coalesce((select sum(p.amount) "
                + "from payment p where p.customer_id = a.customer_id and p.currency = a.currency and p.status = 'CHARGED'), 0) "
                + "or a.charged > a.credit_limit", List.of())).as("accounts whose charge does not add up").isZero();

        // Stock: available plus what live reservations hold is what we started with.
        Map<String, Integer> held = new HashMap<>();
        for (String items : list("select items from inventory_reservation where status = 'RESERVED'", List.of())) {
            new JsonArray(items).forEach(o -> {
                var line = (io.vertx.core.json.JsonObject) o;
                held.merge(line.getString("sku"), line.getInteger("quantity"), Integer::sum);
            });
        }
        for (String sku : SKUS) {
            int available = (int) count("select available from inventory_stock where sku = '" + sku + "'", List.of());
            int reserved = (int) count("select reserved from inventory_stock where sku = '" + sku + "'", List.of());
            assertThat(reserved).as("reserved " + sku).isEqualTo(held.getOrDefault(sku, 0));
            assertThat(available + reserved).as("stock of " + sku + " conserved").isEqualTo(STOCK);
        }
    }

    /**
     * Every event of the sagas of {@code orders} is in the event store, each after the event that caused it: the
     * store recorded each order's events in saga order, whichever broker and consumer instance carried them.
     */
    void assertRecordedInSagaOrder(List<String> orders) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(list("""
                select s.id || ' ' || (e->>'type') from saga s, json_array_elements(s.history::json) e
                where s.id = any(?) and e->>'eventId' is not null
                  and not exists (select 1 from event_store r where r.event_id = e->>'eventId')""", orders))
                .as("saga events the store has not recorded").isEmpty());
        assertThat(list("""
                select e.stream_id || ': ' || c.type || ' v' || c.version || ' after ' || e.type || ' v' || e.version
                from event_store e join event_store c on c.event_id = e.causation_id and c.stream_id = e.stream_id
                where e.stream_id = any(?) and c.version >= e.version""", orders))
                .as("events recorded before the event that caused them").isEmpty();
    }

    void awaitTerminal(List<String> orders) {
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> count(
                    "select count(*) from saga where id = any(?) and status in ('COMPLETED', 'CANCELLED')", orders) == orders.size());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Map<String, Long> byStatus = new HashMap<>();
            query("select coalesce(s.status, 'NO SAGA'), count(*) from unnest(?::text[]) o(id) left join saga s on s.id = o.id group by 1",
                    orders, rs -> byStatus.put(rs.getString(1), rs.getLong(2)));
            throw new AssertionError("orders did not all end: " + byStatus + ", unpublished events: "
                    + count("select count(*) from outbox", List.of()), e);
        }
    }

    Map<String, String> statuses(List<String> orders) {
        Map<String, String> statuses = new HashMap<>();
        query("select id, status from saga where id = any(?)", orders, rs -> statuses.put(rs.getString(1), rs.getString(2)));
        assertThat(statuses).as("every accepted order has a saga").hasSize(orders.size());
        return statuses;
    }

    /** Garbage of every kind, each on a consumer's address; returns how each will appear in dead letters. */
    static List<String> sendPoison() {
        List<String> marks = new ArrayList<>();
        try (RawAmqp amqp = new RawAmqp()) {
            String truncated = "{\"orderId\":\"" + UUID.randomUUID() + "\",";
            amqp.send("order.placed", Map.of("x-note", "no CloudEvents attributes"), "application/json", truncated);
            marks.add(truncated);
            marks.add(poison(amqp, "payment.process", "payment.teleport", "application/json", "{\"orderId\":\"o\"}"));
            marks.add(poison(amqp, "inventory.reserve", "inventory.reserve", "application/json",
                    "{\"orderId\":\"o\",\"items\":[{\"sku\":\"W-1\",\"quantity\":0}]}"));
            marks.add(poison(amqp, "shipping.schedule", "shipping.schedule", "text/plain", "ship it"));
            marks.add(poison(amqp, "order.placed", "order.placed", "application/json",
                    "{\"orderId\":\"o\",\"customerId\":\"c\",\"currency\":\"EUR\",\"shippingAddress\":{\"country\":\"DE\"},"
                            + "\"items\":[{\"sku\":\"W-1\",\"quantity\":1,\"unitPrice\":\"1.00\"}],\"total\":\"9.99\"}"));
            marks.add(poison(amqp, "payment.refund", "payment.refund", "application/json", "<xml/>"));
        }
        return marks;
    }

    static String poison(RawAmqp amqp, String address, String type, String contentType, String body) {
        String id = "poison-" + UUID.randomUUID();
        amqp.send(address, Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", id, "cloudEvents:source", "/chaos",
                "cloudEvents:type", type), contentType, body);
        return id;
    }

    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    long count(String sql, List<String> ids) {
        long[] value = new long[1];
        query(sql, ids, rs -> value[0] = rs.getLong(1));
        return value[0];
    }

    List<String> list(String sql, List<String> ids) {
        List<String> values = new ArrayList<>();
        query(sql, ids, rs -> values.add(rs.getString(1)));
        return values;
    }

    void query(String sql, List<String> ids, RowReader reader) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (sql.contains("?")) {
                statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    interface Action {
        void run() throws Exception;
    }

    static void run(Action action) {
        try {
            action.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
