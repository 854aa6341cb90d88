package io.eventual.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.local.LocalInfrastructure;
import io.eventual.testing.AppProcess;
import io.eventual.testing.PlainJvmLogging;
import io.eventual.testing.ScratchData;

/**
 * Real faults against real processes: the saga, payment and inventory+shipping functions run as separate packaged
 * processes on an embedded broker and database that this test stops and starts. Each scenario drives a batch of
 * orders with mixed outcomes, injects its fault mid-batch, then checks the invariants: every order ends, nothing is
 * charged, reserved or shipped twice, credit and stock are conserved, and dead letters hold exactly the poison.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static LocalInfrastructure infra;
    static Batches batches;
    static AppProcess saga;
    static AppProcess payment;
    static AppProcess work;
    static List<AppProcess> processes;
    static Path directory;
    static int expectedPoison;
    /** The poison that is no CloudEvent at all: the event store parks it too, once a store runs. */
    static List<String> notCloudEvents = List.of();

    @BeforeAll
    static void startEverything() throws Exception {
        directory = Files.createTempDirectory("eventual-faults");
        PlainJvmLogging.configure();
        infra = LocalInfrastructure.start(directory, 0, 0);
        Map<String, String> config = Batches.config(infra.config());
        System.setProperty("test.amqp-port", Integer.toString(infra.amqpPort()));
        processes = AppProcess.startSplit(config, directory);
        saga = processes.get(0);
        payment = processes.get(1);
        work = processes.get(2);
        batches = new Batches(config.get("quarkus.datasource.jdbc.url"), work.port);
        System.out.println("fault suite: processes and logs in " + directory);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (processes != null) {
            processes.forEach(AppProcess::stop);
        }
        if (infra != null) {
            infra.close();
            ScratchData.delete(directory);
        }
    }

    @Test
    @Order(0)
    void processesLogJsonLinesCarryingTheOrderTheyAreAbout() throws Exception {
        String orderId = batches.place("json-log", batches.order("json-log", 3));
        batches.awaitTerminal(List.of(orderId));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(saga.log())) {
                if (line.startsWith("{")) {
                    lines.add(JSON.readTree(line));
                }
            }
            assertThat(lines).as("JSON log lines of the saga process").isNotEmpty();
            assertThat(lines).anySatisfy(json -> {
                assertThat(json.path("message").asText()).contains(orderId + " completed");
                assertThat(json.path("mdc").path("orderId").asText()).isEqualTo(orderId);
                assertThat(json.path("mdc").path("function").asText()).isEqualTo("saga");
                assertThat(json.path("mdc").path("correlationId").asText()).isNotBlank();
            });
        });
    }

    @Test
    @Order(1)
    void sagaKilledMidBatch() {
        List<String> orders = batches.placeBatch("kill-saga", Map.of(30, saga::kill, 60, saga::start));
        saga.awaitReady();
        batches.assertInvariants("kill -9 saga", orders, 0);
    }

    @Test
    @Order(2)
    void paymentKilledMidBatch() {
        List<String> orders = batches.placeBatch("kill-payment", Map.of(30, payment::kill, 60, payment::start));
        payment.awaitReady();
        batches.assertInvariants("kill -9 payment", orders, 0);
    }

    @Test
    @Order(3)
    void brokerStoppedMidBatch() {
        List<String> orders = batches.placeBatch("broker", Map.of(
                30, () -> Batches.run(infra::stopBroker),
                60, () -> {
                    Batches.pause(Duration.ofSeconds(3));
                    Batches.run(infra::startBroker);
                }));
        batches.assertInvariants("broker stopped for 3 s", orders, 0);
    }

    @Test
    @Order(4)
    void databaseStoppedMidBatch() {
        List<String> orders = batches.placeBatch("postgres", Map.of(30, () -> {
            Batches.run(infra::stopPostgres);
            // Orders placed meanwhile are refused and retried by the client until the database is back.
            CompletableFuture.runAsync(() -> {
                Batches.pause(Duration.ofSeconds(4));
                Batches.run(infra::startPostgres);
            });
        }));
        batches.assertInvariants("PostgreSQL stopped for 4 s", orders, 0);
    }

    @Test
    @Order(5)
    void everyMessageDeliveredTwice() {
        DuplicatingBroker duplicating = new DuplicatingBroker(infra.broker().getActiveMQServer());
        infra.broker().getActiveMQServer().registerBrokerPlugin(duplicating);
        try {
            List<String> orders = batches.placeBatch("duplicates", Map.of());
            batches.assertInvariants("every message delivered twice, copies late", orders, 0);
            System.out.printf("fault suite: %d duplicate deliveries injected%n", duplicating.duplicated.get());
            assertThat(duplicating.duplicated.get()).isGreaterThanOrEqualTo(Batches.ORDERS * 4);
        } finally {
            duplicating.close();
            infra.broker().getActiveMQServer().unRegisterBrokerPlugin(duplicating);
        }
    }

    @Test
    @Order(6)
    void aParticipantThatNeverAnswers() {
        payment.kill();
        List<String> orders = batches.placeBatch("silent-payment", Map.of());
        batches.awaitTerminal(orders);
        assertThat(batches.statuses(orders).values()).containsOnly("CANCELLED");
        assertThat(batches.list("select distinct reason from saga where id = any(?)", orders))
                .containsExactly("screening timed out after 10s");
        // When payment comes back it answers the queued screens late; the saga, which gave up before charging,
        // charges nothing.
        payment.start();
        payment.awaitReady();
        await().atMost(Duration.ofSeconds(60)).until(() -> batches.count("select count(*) from processed_event "
                + "where consumer = 'payment' and event_id in (select e->>'eventId' from saga s, "
                + "json_array_elements(s.history::json) e where s.id = any(?) and e->>'type' = 'payment.screen')",
                orders) == orders.size());
        assertThat(batches.count("select count(*) from payment where order_id = any(?)", orders)).as("charged").isZero();
        batches.assertInvariants("payment silent past its timeout, then late", orders, 0);
    }

    @Test
    @Order(7)
    void poisonMessagesMixedIn() {
        List<String> poison = new ArrayList<>();
        Map<Integer, Runnable> faults = new HashMap<>();
        for (int at = 10; at <= 90; at += 20) {
            faults.put(at, () -> poison.addAll(Batches.sendPoison()));
        }
        List<String> orders = batches.placeBatch("poison", faults);
        batches.assertInvariants("poison messages mixed in", orders, poison.size());
        expectedPoison = poison.size();
        assertThat(batches.list("select coalesce(event_id, body) from dead_letter", List.of()))
                .containsExactlyInAnyOrderElementsOf(poison);
        notCloudEvents = poison.stream().filter(mark -> !mark.startsWith("poison-")).toList();
    }

    @Test
    @Order(8)
    void competingInstancesOfTheSameFunctions() throws Exception {
        AppProcess saga2 = new AppProcess("saga-2", AppProcess.freePort(), saga.config(), AppProcess.TEST_JVM, directory);
        AppProcess payment2 = new AppProcess("payment-2", AppProcess.freePort(), payment.config(), AppProcess.TEST_JVM, directory);
        saga2.start();
        payment2.start();
        try {
            saga2.awaitReady();
            payment2.awaitReady();
            List<String> orders = batches.placeBatch("competing", Map.of());
            batches.assertInvariants("two saga and two payment instances compete", orders, expectedPoison);
        } finally {
            saga2.stop();
            payment2.stop();
        }
        // A process that stops leaves no live lease: its peers take over whatever it left at their next renewal.
        assertThat(batches.count("select count(*) from outbox_lease where substring(owner from ':([0-9]+)$') = any(?) "
                + "and expires_at > now()", List.of(Integer.toString(saga2.port), Integer.toString(payment2.port)))).isZero();
    }

    /**
     * One payment transaction is held open (the test locks its customer's account row): the other orders still pass
     * through every process, since nothing on the path is shared and a queue handles other orders meanwhile.
     */
    @Test
    @Order(9)
    void aTransactionHeldOpenHoldsUpOnlyItsOwnOrder() throws Exception {
        String customer = "held-" + java.util.UUID.randomUUID();
        String opened = batches.place("held-open", batches.order(customer, 3));
        batches.awaitTerminal(List.of(opened));
        try (java.sql.Connection lock = java.sql.DriverManager.getConnection(batches.jdbcUrl(), "postgres", "postgres")) {
            lock.setAutoCommit(false);
            // Batches.order(customer, 3) orders as customer "<customer>-3".
            lock.createStatement().execute("select * from payment_account where customer_id = '" + customer + "-3' for update");
            String held = batches.place("held-open-stuck", batches.order(customer, 3));
            await().atMost(Duration.ofSeconds(20)).until(() -> batches.count("select count(*) from pg_stat_activity "
                    + "where wait_event_type = 'Lock' and query like '%payment_account%'", List.of()) > 0);

            List<String> others = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                others.add(batches.place("held-open-" + i, batches.order("held-open", i)));
            }
            batches.awaitTerminal(others);
            assertThat(batches.count("select count(*) from payment where order_id = any(?)", List.of(held)))
                    .as("payments of the order whose payment transaction is held open").isZero();
            lock.rollback();
            batches.awaitTerminal(List.of(held));
            List<String> all = new ArrayList<>(others);
            all.add(held);
            batches.assertInvariants("one payment transaction held open", all, expectedPoison);
        }
    }

    /**
     * Two instances of every function, each handling many messages at once, under concurrent load: every order ends
     * with its effects exactly once, each order's events are recorded in saga order (a cause before its effect) by two
     * competing store instances, and both instances of a function do work. The second saga, payment and inventory
     * instances join while the first hundred orders are in flight: the broker moves message groups (orders) to them,
     * with dispatch paused during the move, and no order's events overtake each other.
     */
    @Test
    @Order(10)
    void everyFunctionTwiceUnderConcurrentLoad() throws Exception {
        List<AppProcess> stores = List.of(
                new AppProcess("store-1", AppProcess.freePort(), AppProcess.running(saga.config(), "store"),
                        AppProcess.TEST_JVM, directory),
                new AppProcess("store-2", AppProcess.freePort(), AppProcess.running(saga.config(), "store"),
                        AppProcess.TEST_JVM, directory));
        List<AppProcess> joining = List.of(
                new AppProcess("saga-2", AppProcess.freePort(), saga.config(), AppProcess.TEST_JVM, directory),
                new AppProcess("payment-2", AppProcess.freePort(), payment.config(), AppProcess.TEST_JVM, directory),
                new AppProcess("inventory-shipping-2", AppProcess.freePort(), work.config(), AppProcess.TEST_JVM, directory));
        List<AppProcess> more = new ArrayList<>(joining);
        more.addAll(stores);
        stores.forEach(AppProcess::start);
        try {
            stores.forEach(AppProcess::awaitReady);
            List<String> orders = new ArrayList<>(batches.placeConcurrently("twice", 100, 16));
            joining.forEach(AppProcess::start);
            joining.forEach(AppProcess::awaitReady);
            orders.addAll(batches.placeConcurrently("twice-joined", 100, 16));
            // The stores work off everything published since the broker started, and park what is no CloudEvent.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(batches.list(
                    "select body from dead_letter where consumer = 'store'", List.of()))
                    .containsExactlyInAnyOrderElementsOf(notCloudEvents));
            expectedPoison += notCloudEvents.size();
            batches.assertInvariants("every function twice, 16 clients at once", orders, expectedPoison);

            batches.assertRecordedInSagaOrder(orders);
            for (String function : List.of("saga", "payment", "inventory", "store")) {
                List<AppProcess> instances = function.equals("saga") ? List.of(saga, joining.get(0))
                        : function.equals("payment") ? List.of(payment, joining.get(1))
                                : function.equals("inventory") ? List.of(work, joining.get(2)) : stores;
                for (AppProcess instance : instances) {
                    assertThat(applied(instance, function)).as("events %s applied by %s", function, instance.name).isPositive();
                }
            }
        } finally {
            more.forEach(AppProcess::stop);
        }
    }

    /**
     * Step deadlines live on the saga rows: a saga process killed while orders wait for a payment that does not come,
     * and started again, still gives up on each of them in time; the late charges are refunded.
     */
    @Test
    @Order(11)
    void deadlinesSurviveASagaKilledWhileTheyAreDue() {
        payment.kill();
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            orders.add(batches.place("restart-deadlines-" + i, batches.order("restart-deadlines", i)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> batches.count(
                "select count(*) from saga where id = any(?) and status = 'PENDING_SCREENING' and deadline is not null", orders) == 10);
        saga.kill();
        saga.start();
        saga.awaitReady();
        batches.awaitTerminal(orders);
        assertThat(batches.list("select distinct reason from saga where id = any(?)", orders))
                .containsExactly("screening timed out after 10s");
        payment.start();
        payment.awaitReady();
        batches.assertInvariants("saga killed while deadlines were due", orders, expectedPoison);
    }

    /** What {@code process} counted as applied (or recorded) for {@code function}, from its Prometheus scrape. */
    private static double applied(AppProcess process, String function) {
        return io.eventual.testing.Metrics.scrape(process.port).value("eventual_events_applied_total", Map.of("function", function));
    }

    /**
     * A rolling upgrade that brings in version 2 of the order flow (the fraud screen): two saga processes of the build
     * before it (its newest flow version is 1) run orders while payment is away, so version-1 orders are in flight;
     * they are replaced one by one by this build's processes while orders keep coming. Every order ends on the version
     * it started on (version 1 without the screen, version 2 through it), nothing is lost or doubled.
     */
    @Test
    @Order(12)
    void aRollingUpgradeBringsInANewFlowVersion() throws Exception {
        // Long enough a payment timeout that version-1 orders are still in flight when their processes are gone.
        Map<String, String> current = AppProcess.with(saga.config(), "eventual.saga.timeouts.payment", "120s");
        Map<String, String> previous = AppProcess.with(current, "eventual.saga.flow-version", "1");
        AppProcess oldA = new AppProcess("saga-v1-a", AppProcess.freePort(), previous, AppProcess.TEST_JVM, directory);
        AppProcess oldB = new AppProcess("saga-v1-b", AppProcess.freePort(), previous, AppProcess.TEST_JVM, directory);
        AppProcess newA = new AppProcess("saga-v2-a", AppProcess.freePort(), current, AppProcess.TEST_JVM, directory);
        saga.stop();
        oldA.start();
        oldB.start();
        oldA.awaitReady();
        oldB.awaitReady();
        try {
            payment.stop();
            List<String> before = batches.placeConcurrently("upgrade-before", 40, 4);

            oldA.stop();
            newA.start();
            newA.awaitReady();
            payment.start();
            payment.awaitReady();
            List<String> during = batches.placeConcurrently("upgrade-during", 40, 4);

            oldB.stop();
            saga.start();
            saga.awaitReady();
            List<String> after = batches.placeConcurrently("upgrade-after", 40, 4);

            List<String> all = new ArrayList<>(before);
            all.addAll(during);
            all.addAll(after);
            batches.assertInvariants("rolling upgrade from flow version 1 to 2", all, expectedPoison);
            assertThat(flowVersions(before)).as("placed before the upgrade").containsOnlyKeys("1 without the screen");
            assertThat(flowVersions(after)).as("placed after it").containsOnlyKeys("2 screened");
            assertThat(flowVersions(during)).as("placed while both ran").containsOnlyKeys("1 without the screen", "2 screened");
        } finally {
            oldA.stop();
            oldB.stop();
            newA.stop();
        }
    }

    /** How many of {@code orders} ran on each version, and whether their history matches it. */
    private static Map<String, Long> flowVersions(List<String> orders) {
        Map<String, Long> versions = new HashMap<>();
        for (String version : batches.list("select flow_version || case when history like '%payment.screen%' "
                + "then ' screened' else ' without the screen' end from saga where id = any(?)", orders)) {
            versions.merge(version, 1L, Long::sum);
        }
        return versions;
    }
}
