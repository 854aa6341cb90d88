package io.eventual.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collector;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Typed;

import org.hibernate.StaleStateException;

import io.quarkus.arc.Unremovable;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.PropertyKind;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/**
 * The pool Hibernate Reactive uses (it replaces the default one for {@code io.vertx.sqlclient.Pool}; code that asks for
 * the Mutiny pool gets the plain one): it lets a handler's transaction travel in fewer round trips. Hibernate Reactive
 * awaits every statement, so a hop of BEGIN, a read, two row writes, the outbox statement and COMMIT waits for six
 * answers; PostgreSQL answers pipelined statements in order, so only the answers someone needs must be awaited.
 * <ul>
 * <li><b>BEGIN</b> is sent and not awaited: the transaction's first statement follows it on the wire.</li>
 * <li><b>Row writes</b> of an entity inside a transaction ({@link #DEFERRABLE}: Hibernate's own insert and update of one
 * row by its id, whose only correct outcome is one row) are sent and answered at once with "one row"; the real answer
 * arrives with the next awaited statement's. A write that failed fails that statement, or the commit, with its own
 * error; one that did not touch exactly one row fails the commit with a {@link StaleStateException}, as Hibernate's own
 * check would have; either way the transaction rolls back.</li>
 * </ul>
 * Statements written by hand (spaces around '=' and after commas, {@code on conflict}, {@code returning}) never match
 * and are awaited as before: a native statement on the Hibernate session whose row count matters must keep that style.
 * COMMIT still waits for the writes' answers: a stale update raises no error in PostgreSQL, so only its answer can say
 * whether to commit.
 */
@Singleton
@Typed(Pool.class)
@Unremovable // Hibernate Reactive looks it up by type at run time, where the build cannot see it
public class PipelinedPool implements Pool {

    /** Hibernate's statements for one entity row by its id (and version): no spaces around commas and '='. */
    static final Pattern DEFERRABLE = Pattern.compile(
            "insert into \\w+ \\(\\w+(,\\w+)*\\) values \\(\\$\\d+(,\\$\\d+)*\\)"
                    + "|update \\w+ set \\w+=\\$\\d+(,\\w+=\\$\\d+)* where \\w+=\\$\\d+( and \\w+=\\$\\d+)*");

    private final Pool pool;

    PipelinedPool(PgPool pool) {
        this.pool = pool;
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return pool.getConnection().map(Connection::new);
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return pool.query(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return pool.preparedQuery(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return pool.preparedQuery(sql, options);
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        pool.close(handler);
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }

    @Override
    public Pool connectHandler(Handler<SqlConnection> handler) {
        pool.connectHandler(handler);
        return this;
    }

    @Override
    public Pool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        pool.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return pool.size();
    }

    /** A connection whose transactions begin without waiting and whose row writes are answered later. */
    static final class Connection implements SqlConnection {

        private final SqlConnection connection;
        private Pipeline current;

        Connection(SqlConnection connection) {
            this.connection = connection;
        }

        @Override
        public Future<Transaction> begin() {
            current = new Pipeline(connection.begin());
            return Future.succeededFuture(current);
        }

        @Override
        public void begin(Handler<AsyncResult<Transaction>> handler) {
            begin().onComplete(handler);
        }

        /** The running transaction; the real one ends (and forgets itself) when COMMIT or ROLLBACK was answered. */
        @Override
        public Transaction transaction() {
            return connection.transaction() == null ? null : current;
        }

        private Pipeline pipeline() {
            return connection.transaction() == null ? null : current;
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
            return statement(sql, connection.preparedQuery(sql));
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
            return statement(sql, connection.preparedQuery(sql, options));
        }

        private PreparedQuery<RowSet<Row>> statement(String sql, PreparedQuery<RowSet<Row>> query) {
            Pipeline pipeline = pipeline();
            return pipeline == null ? query : new Statement(query, pipeline, DEFERRABLE.matcher(sql).matches() ? sql : null);
        }

        @Override
        public Query<RowSet<Row>> query(String sql) {
            return connection.query(sql);
        }

        @Override
        public SqlConnection prepare(String sql, Handler<AsyncResult<PreparedStatement>> handler) {
            connection.prepare(sql, handler);
            return this;
        }

        @Override
        public Future<PreparedStatement> prepare(String sql) {
            return connection.prepare(sql);
        }

        @Override
        public SqlConnection prepare(String sql, PrepareOptions options, Handler<AsyncResult<PreparedStatement>> handler) {
            connection.prepare(sql, options, handler);
            return this;
        }

        @Override
        public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
            return connection.prepare(sql, options);
        }

        @Override
        public SqlConnection exceptionHandler(Handler<Throwable> handler) {
            connection.exceptionHandler(handler);
            return this;
        }

        @Override
        public SqlConnection closeHandler(Handler<Void> handler) {
            connection.closeHandler(handler);
            return this;
        }

        @Override
        public boolean isSSL() {
            return connection.isSSL();
        }

        @Override
        public void close(Handler<AsyncResult<Void>> handler) {
            connection.close(handler);
        }

        @Override
        public Future<Void> close() {
            return connection.close();
        }

        @Override
        public DatabaseMetadata databaseMetadata() {
            return connection.databaseMetadata();
        }
    }

    /**
     * A transaction whose BEGIN and row writes are in flight: remembers the first write that went wrong and makes the
     * next awaited statement, or the commit, fail with it.
     */
    static final class Pipeline implements Transaction {

        private final Future<Transaction> begun;
        private final List<Future<Void>> writes = new ArrayList<>();
        private Throwable failure;

        Pipeline(Future<Transaction> begun) {
            this.begun = begun;
        }

        void sent(String sql, Future<RowSet<Row>> answer) {
            writes.add(answer.transform(result -> {
                if (failure == null && result.failed()) {
                    failure = result.cause();
                } else if (failure == null && result.result().rowCount() != 1) {
                    failure = new StaleStateException("a row changed or went meanwhile: %d rows for [%s]"
                            .formatted(result.result().rowCount(), sql));
                }
                return Future.succeededFuture();
            }));
        }

        /** Once every write sent so far has its answer: the first failure among them, or else {@code error}. */
        <T> Future<T> failWith(Throwable error) {
            return Future.all(writes).transform(ignored -> Future.failedFuture(failure != null ? failure : error));
        }

        @Override
        public Future<Void> commit() {
            return Future.all(writes).transform(ignored -> failure == null
                    ? begun.compose(Transaction::commit)
                    : begun.compose(Transaction::rollback).transform(rolledBack -> Future.failedFuture(failure)));
        }

        @Override
        public void commit(Handler<AsyncResult<Void>> handler) {
            commit().onComplete(handler);
        }

        @Override
        public Future<Void> rollback() {
            // Without a BEGIN there is nothing to roll back (the connection failed, and so does everything sent on it).
            return begun.transform(result -> result.succeeded() ? result.result().rollback() : Future.succeededFuture());
        }

        @Override
        public void rollback(Handler<AsyncResult<Void>> handler) {
            rollback().onComplete(handler);
        }

        @Override
        public void completion(Handler<AsyncResult<Void>> handler) {
            completion().onComplete(handler);
        }

        @Override
        public Future<Void> completion() {
            return begun.compose(Transaction::completion);
        }
    }

    /** A statement inside a pipelined transaction: a row write is answered at once; any other reports earlier failures. */
    static final class Statement implements PreparedQuery<RowSet<Row>> {

        private final PreparedQuery<RowSet<Row>> query;
        private final Pipeline pipeline;
        /** The SQL when this is a row write whose answer can wait, else null. */
        private final String deferred;

        Statement(PreparedQuery<RowSet<Row>> query, Pipeline pipeline, String deferred) {
            this.query = query;
            this.pipeline = pipeline;
            this.deferred = deferred;
        }

        @Override
        public Future<RowSet<Row>> execute(Tuple tuple) {
            Future<RowSet<Row>> answer = query.execute(tuple);
            if (deferred != null) {
                pipeline.sent(deferred, answer);
                return Future.succeededFuture(OneRow.INSTANCE);
            }
            return answer.recover(pipeline::failWith);
        }

        @Override
        public void execute(Tuple tuple, Handler<AsyncResult<RowSet<Row>>> handler) {
            execute(tuple).onComplete(handler);
        }

        @Override
        public Future<RowSet<Row>> execute() {
            return query.execute().recover(pipeline::failWith);
        }

        @Override
        public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
            execute().onComplete(handler);
        }

        @Override
        public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
            return query.executeBatch(batch).recover(pipeline::failWith);
        }

        @Override
        public void executeBatch(List<Tuple> batch, Handler<AsyncResult<RowSet<Row>>> handler) {
            executeBatch(batch).onComplete(handler);
        }

        @Override
        public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return query.collecting(collector);
        }

        @Override
        public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
            return query.mapping(mapper);
        }
    }

    /** The answer a row write gets before its real one: one row changed, no rows returned. */
    static final class OneRow implements RowSet<Row> {

        static final OneRow INSTANCE = new OneRow();

        @Override
        public int rowCount() {
            return 1;
        }

        @Override
        public List<String> columnsNames() {
            return List.of();
        }

        @Override
        public List<ColumnDescriptor> columnDescriptors() {
            return List.of();
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public <V> V property(PropertyKind<V> kind) {
            return null;
        }

        @Override
        public RowSet<Row> value() {
            return this;
        }

        @Override
        public RowSet<Row> next() {
            return null;
        }

        @Override
        public RowIterator<Row> iterator() {
            return new RowIterator<>() {
                @Override
                public boolean hasNext() {
                    return false;
                }

                @Override
                public Row next() {
                    throw new NoSuchElementException();
                }
            };
        }
    }
}
