package io.eventual.messaging.pipelining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventual.messaging.Contexts;
import io.eventual.messaging.Failures;
import io.eventual.messaging.ProcessedEvents;
import io.eventual.messaging.Transactions;
import io.eventual.payment.CreditAccount;
import io.eventual.payment.Payment;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;

/**
 * The pool Hibernate Reactive gets does not wait for BEGIN or for its row writes, and still fails a transaction whose
 * write went wrong, with the write's own error, before anything of it is committed.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class PipelinedPoolTest {

    private static final String INSERT = "insert into pipelined (id,amount,version) values ($1,$2,$3)";
    private static final String UPDATE = "update pipelined set amount=$1,version=$2 where id=$3 and version=$4";

    @Inject
    Vertx vertx;
    SqlConnection connection;

    @BeforeEach
    void connect() throws Exception {
        Pool pool = pool();
        assertThat(pool).isInstanceOf(PipelinedPool.class);
        connection = await(pool.getConnection());
        await(connection.query("create temp table pipelined (id text primary key, amount int, version int)").execute());
    }

    @AfterEach
    void close() throws Exception {
        // The pool keeps the connection, and with it the temporary table.
        await(connection.query("drop table pipelined").execute());
        await(connection.close());
    }

    @Test
    void beginAndRowWritesAreNotAwaitedAndCommitWhenAllWent() throws Exception {
        Future<Transaction> begun = connection.begin();
        assertThat(begun.isComplete()).as("BEGIN answered without waiting").isTrue();
        Future<RowSet<Row>> insert = connection.preparedQuery(INSERT).execute(Tuple.of("a", 10, 0));
        Future<RowSet<Row>> update = connection.preparedQuery(UPDATE).execute(Tuple.of(20, 1, "a", 0));
        assertThat(insert.isComplete() && update.isComplete()).as("row writes answered without waiting").isTrue();
        assertThat(insert.result().rowCount()).isEqualTo(1);

        assertThat(await(connection.preparedQuery("select amount from pipelined where id = $1").execute(Tuple.of("a")))
                .iterator().next().getInteger(0)).as("statements ran in order, in the transaction").isEqualTo(20);
        await(begun.result().commit());

        assertThat(amount("a")).isEqualTo(20);
        assertThat(connection.transaction()).isNull();
    }

    @Test
    void aWriteThatFailedFailsTheNextAwaitedStatementWithItsOwnErrorAndNothingCommits() throws Exception {
        await(connection.preparedQuery(INSERT).execute(Tuple.of("b", 1, 0)));
        Transaction transaction = await(connection.begin());
        connection.preparedQuery(INSERT).execute(Tuple.of("c", 5, 0));
        connection.preparedQuery(INSERT).execute(Tuple.of("b", 2, 0));

        assertThatThrownBy(() -> await(connection.preparedQuery("select count(*) from pipelined").execute()))
                .hasCauseInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e.getCause()).getSqlState()).as("the duplicate key, not 'transaction aborted'")
                        .isEqualTo("23505"));
        assertThatThrownBy(() -> await(transaction.commit())).hasCauseInstanceOf(PgException.class);

        assertThat(amount("b")).isEqualTo(1);
        assertThat(amount("c")).as("rolled back with the failed write").isNull();
    }

    @Test
    void anUpdateThatMissedItsRowAbortsTheTransactionInTheDatabaseSoTheCommitBehindItRollsBack() throws Exception {
        await(connection.preparedQuery(INSERT).execute(Tuple.of("d", 1, 3)));
        Transaction transaction = await(connection.begin());
        connection.preparedQuery(INSERT).execute(Tuple.of("e", 5, 0));
        // Someone else moved the row to version 3; this write expected version 2. COMMIT goes out right behind it.
        assertThat(await(connection.preparedQuery(UPDATE).execute(Tuple.of(7, 3, "d", 2))).rowCount()).isEqualTo(1);

        assertThatThrownBy(() -> await(transaction.commit())).hasCauseInstanceOf(PgException.class)
                .hasMessageContaining("stale write: 0 rows of pipelined changed")
                .satisfies(e -> assertThat(Failures.isTransient(e)).as("retried, not parked").isTrue());

        assertThat(amount("d")).isEqualTo(1);
        assertThat(amount("e")).isNull();
        assertThat(connection.transaction()).isNull();
    }

    @Test
    void aGuardedUpdateIsNotAwaitedAndWhenItsGuardFailsTheCommitBehindItRollsBackAsALostRace() throws Exception {
        String take = PipelinedPool.CHANGES_ONE_ROW + "update pipelined set amount = amount - $1 where id = $2 and amount >= $1";
        await(connection.preparedQuery(INSERT).execute(Tuple.of("g", 3, 0)));

        Transaction enough = await(connection.begin());
        Future<RowSet<Row>> taken = connection.preparedQuery(take).execute(Tuple.of(2, "g"));
        assertThat(taken.isComplete()).as("answered without waiting").isTrue();
        await(enough.commit());
        assertThat(amount("g")).isEqualTo(1);

        Transaction tooMuch = await(connection.begin());
        connection.preparedQuery(INSERT).execute(Tuple.of("h", 5, 0));
        assertThat(await(connection.preparedQuery(take).execute(Tuple.of(2, "g"))).rowCount()).isEqualTo(1);
        assertThatThrownBy(() -> await(tooMuch.commit())).hasCauseInstanceOf(PgException.class)
                .hasMessageContaining("stale write: 0 rows of pipelined changed")
                .satisfies(e -> assertThat(Failures.isTransient(e)).as("retried, not parked").isTrue());
        assertThat(amount("g")).isEqualTo(1);
        assertThat(amount("h")).as("rolled back with it").isNull();

        assertThatThrownBy(() -> await(connection.preparedQuery(take).execute(Tuple.of(2, "g"))))
                .as("outside a transaction: awaited, with the same error").hasCauseInstanceOf(PgException.class);
        assertThatThrownBy(() -> connection.preparedQuery(PipelinedPool.CHANGES_ONE_ROW + "delete from pipelined"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStatementAnsweredAtCommitGivesItsRowsBeforeTheCommitCompletesAndASecondMarkFailsAsDuplicate() throws Exception {
        String event = "pipelined-" + UUID.randomUUID();
        List<String> answered = new ArrayList<>();
        String mark = PipelinedPool.ANSWERED_AT_COMMIT + "insert into processed_event (consumer, event_id) values (:consumer, :event) "
                + "returning event_id";
        AtomicInteger runs = new AtomicInteger();
        // An awaited statement first, then the marked one: COMMIT follows it without waiting for its answer.
        Supplier<Uni<Integer>> markOnce = () -> Contexts.onNewContext(vertx.getOrCreateContext(), () -> Transactions.withTransaction(
                () -> Panache.getSession().chain(session -> session
                        .createNativeQuery("insert into processed_event (consumer, event_id) values (:consumer, :event)")
                        .setParameter("consumer", "test-run-" + runs.incrementAndGet()).setParameter("event", event).executeUpdate()
                        .chain(() -> {
                            PipelinedPool.answerAtCommit(rows -> rows.forEach(row -> answered.add(row.getString(0))));
                            return session.createNativeQuery(mark).setParameter("consumer", "test").setParameter("event", event)
                                    .executeUpdate()
                                    .invoke(count -> assertThat(answered).as("answered before the real answer came").isEmpty());
                        }))))
                .invoke(count -> assertThat(answered).as("the real rows, once committed").containsExactly(event));

        assertThat(markOnce.get().await().atMost(Duration.ofSeconds(10))).isEqualTo(1);

        answered.clear();
        Throwable duplicate = markOnce.get().onItemOrFailure().transform((ok, error) -> error).await().atMost(Duration.ofSeconds(10));
        assertThat(ProcessedEvents.isDuplicate(duplicate)).as("failed as a duplicate: %s", duplicate).isTrue();
        assertThat(answered).isEmpty();
        assertThat(await(pool().preparedQuery("select count(*) from processed_event where event_id = $1").execute(Tuple.of(event)))
                .iterator().next().getLong(0)).as("the first transaction's two rows, nothing of the second").isEqualTo(2);
    }

    @Test
    void statementsWrittenByHandAreAwaitedWithTheirRealAnswer() throws Exception {
        Transaction transaction = await(connection.begin());
        RowSet<Row> none = await(connection.preparedQuery("update pipelined set amount = $1 where id = $2").execute(Tuple.of(1, "x")));
        RowSet<Row> conflict = await(connection.preparedQuery("insert into pipelined (id, amount, version) values ($1, $2, $3) "
                + "on conflict do nothing").execute(Tuple.of("f", 1, 0)));
        await(transaction.commit());

        assertThat(none.rowCount()).isZero();
        assertThat(conflict.rowCount()).isEqualTo(1);
        assertThat(amount("f")).isEqualTo(1);
    }

    @Test
    void throughHibernateAnEntityChangedMeanwhileFailsTheTransactionAsStaleAndNothingOfItStays() throws Exception {
        Pool plain = pool();
        String account = "pipelined-" + UUID.randomUUID();
        await(plain.preparedQuery("insert into payment_account (id, customer_id, currency, credit_limit, charged, version) "
                + "values ($1, $1, 'EUR', 100, 0, 0)").execute(Tuple.of(account)));

        Throwable failure = Contexts.onNewContext(vertx.getOrCreateContext(), () -> Transactions.withTransaction(
                () -> CreditAccount.<CreditAccount> findById(account).chain(found -> {
                    Payment payment = new Payment();
                    payment.orderId = account;
                    payment.status = Payment.Status.CHARGED;
                    payment.amount = BigDecimal.TEN;
                    payment.updatedAt = Instant.now();
                    found.charged = BigDecimal.TEN;
                    // Another instance charges the account first: its version moves on under this transaction.
                    return Uni.createFrom().completionStage(plain.preparedQuery(
                            "update payment_account set charged = 5, version = 1 where id = $1").execute(Tuple.of(account))
                            .toCompletionStage()).chain(ignored -> payment.persist());
                })))
                .onItemOrFailure().transform((ok, error) -> error)
                .await().atMost(Duration.ofSeconds(10));

        assertThat(failure).as("the stale update fails the commit").isNotNull();
        assertThat(Failures.isTransient(failure)).as("retried like any lost race").isTrue();
        assertThat(await(plain.preparedQuery("select charged from payment_account where id = $1").execute(Tuple.of(account)))
                .iterator().next().getBigDecimal(0)).isEqualByComparingTo("5");
        assertThat(await(plain.preparedQuery("select count(*) from payment where order_id = $1").execute(Tuple.of(account)))
                .iterator().next().getLong(0)).as("the payment written with it rolled back").isZero();
    }

    @Test
    void aConnectionClosedInTheMiddleOfATransactionGoesBackToThePoolRolledBack() throws Exception {
        String event = "pipelined-" + UUID.randomUUID();
        String mark = "insert into processed_event (consumer, event_id) values ('test', $1)";
        SqlConnection other = await(pool().getConnection());
        await(other.begin());
        await(other.preparedQuery(mark).execute(Tuple.of(event)));
        await(other.close());

        // Left open, that transaction would still hold the row: this insert would collide with it, or wait for it.
        assertThat(await(pool().preparedQuery(mark).execute(Tuple.of(event))).rowCount()).isEqualTo(1);
    }

    @Test
    void outsideATransactionEveryStatementIsAwaited() throws Exception {
        assertThat(await(connection.preparedQuery(UPDATE).execute(Tuple.of(1, 1, "nobody", 0))).rowCount()).isZero();
    }

    @Test
    void aStatementAnsweredAtCommitIsRefusedOutsideATransaction() {
        assertThatThrownBy(() -> connection.preparedQuery(PipelinedPool.ANSWERED_AT_COMMIT + "delete from pipelined"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in a transaction");
    }

    /** Looked up as Hibernate Reactive does, at run time: nothing injects it, and the build must keep it anyway. */
    private static Pool pool() {
        return Arc.container().select(Pool.class).get();
    }

    /** Read on the test's connection: the table is temporary, private to it. */
    private Integer amount(String id) throws Exception {
        RowSet<Row> rows = await(connection.preparedQuery("select amount from pipelined where id = $1").execute(Tuple.of(id)));
        return rows.size() == 0 ? null : rows.iterator().next().getInteger(0);
    }

    private static <T> T await(Future<T> future) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
