package io.eventual.messaging.pipelining;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collector;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
import io.vertx.sqlclient.TransactionRollbackException;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/**
 * The pool Hibernate Reactive uses (it replaces the default one for {@code io.vertx.sqlclient.Pool}; code that asks for
 * the Mutiny pool gets the plain one): it lets a handler's transaction travel in two round trips, one for its reads and
 * one for everything else. Hibernate Reactive awaits every statement, so a hop of BEGIN, a read, two row writes, the
 * outbox statement and COMMIT would wait for six answers; PostgreSQL answers pipelined statements in order, so only the
 * answers someone needs before going on must be awaited.
 * <ul>
 * <li><b>BEGIN</b> is sent and not awaited: the transaction's first statement follows it on the wire.</li>
 * <li><b>Row writes</b> of an entity ({@link #ROW_INSERT}, {@link #ROW_UPDATE}: Hibernate's own insert and update of
 * one row by its id, whose only correct outcome is one row) are answered at once with "one row". An update is sent
 * wrapped in {@code eventual_expect_one_row} (migration V15), which raises 40001 when it matched no row, the way
 * Hibernate's own check would have failed it.</li>
 * <li><b>Updates run by {@link io.eventual.messaging.Statements#updateOneRow}</b>, written by hand (a guarded relative update such as "take 3 if at
 * least 3 are left"), go the same way as Hibernate's row updates.</li>
 * <li><b>Statements marked {@link #ANSWERED_AT_COMMIT}</b> (the outbox's) are answered at once too; their rows go to
 * the consumer given to {@link #answerAtCommit} before the commit completes.</li>
 * <li><b>COMMIT</b> follows without waiting for any of their answers: every one of them can only fail with an error,
 * which aborts the transaction in the database, and PostgreSQL answers the COMMIT of an aborted transaction by rolling
 * it back. The commit then fails with the first error.</li>
 * </ul>
 * A statement awaited after a write that failed fails with the write's own error (a 23505 stays a 23505). Statements
 * written by hand (spaces around '=' and after commas, {@code on conflict}, {@code returning}) never match and are
 * awaited with their real answer: a native statement on the Hibernate session whose row count matters must keep that
 * style.
 */
@Singleton
@Typed(Pool.class)
@Unremovable // Hibernate Reactive looks it up by type at run time, where the build cannot see it
public class PipelinedPool implements Pool {

    /** Hibernate's insert of one entity row: it inserts one row or fails. */
    static final Pattern ROW_INSERT = Pattern.compile("insert into \\w+ \\(\\w+(,\\w+)*\\) values \\(\\$\\d+(,\\$\\d+)*\\)");
    /** Hibernate's update of one entity row by its id (and version), no spaces around commas and '='; group 1: the table. */
    static final Pattern ROW_UPDATE = Pattern.compile(
            "update (\\w+) set \\w+=\\$\\d+(,\\w+=\\$\\d+)* where \\w+=\\$\\d+( and \\w+=\\$\\d+)*");
    /** Starts a hand-written update that must change exactly one row; see {@link io.eventual.messaging.Statements}. */
    public static final String CHANGES_ONE_ROW = "/* changes one row */ ";
    private static final Pattern UPDATED_TABLE = Pattern.compile("update (\\w+) .*", Pattern.DOTALL);
    /** Starts a statement whose answer can wait for the commit; see {@link #answerAtCommit}. */
    public static final String ANSWERED_AT_COMMIT = "/* answered at commit */ ";

    private static final String ANSWER = "eventual.answer-at-commit";
    private static final Consumer<RowSet<Row>> IGNORED = rows -> {
    };

    private final Pool pool;

    PipelinedPool(PgPool pool) {
        this.pool = pool;
    }

    /**
     * Lets the next statement marked {@link #ANSWERED_AT_COMMIT} that runs on this Vert.x context go unawaited: the
     * caller sees one row changed at once, and {@code answer} gets the real rows before the commit completes (the
     * commit fails instead if the statement did). Such a statement must run inside a transaction and fail with an
     * error, never by changing fewer rows.
     */
    public static void answerAtCommit(Consumer<RowSet<Row>> answer) {
        Vertx.currentContext().putLocal(ANSWER, answer);
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

    /** A connection whose transactions are pipelined: BEGIN, the unawaited statements and COMMIT go out back to back. */
    static final class Connection implements SqlConnection {

        private final SqlConnection connection;
        private Pipeline current;

        Connection(SqlConnection connection) {
            this.connection = connection;
        }

        @Override
        public Future<Transaction> begin() {
            if (pipeline() != null) {
                return Future.failedFuture(new IllegalStateException("a transaction is already running on this connection"));
            }
            current = new Pipeline(connection);
            return Future.succeededFuture(current);
        }

        @Override
        public void begin(Handler<AsyncResult<Transaction>> handler) {
            begin().onComplete(handler);
        }

        /** The running transaction, until its COMMIT or ROLLBACK is sent. */
        @Override
        public Transaction transaction() {
            return pipeline();
        }

        private Pipeline pipeline() {
            return current != null && current.running() ? current : null;
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
            return statement(sql, connection::preparedQuery);
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
            return statement(sql, text -> connection.preparedQuery(text, options));
        }

        private PreparedQuery<RowSet<Row>> statement(String sql, Function<String, PreparedQuery<RowSet<Row>>> prepare) {
            Pipeline pipeline = pipeline();
            if (sql.startsWith(ANSWERED_AT_COMMIT)) {
                Context context = Vertx.currentContext();
                Consumer<RowSet<Row>> answer = context == null ? null : context.getLocal(ANSWER);
                if (answer != null) {
                    context.removeLocal(ANSWER);
                }
                if (pipeline == null || answer == null) {
                    throw new IllegalStateException("a statement answered at commit runs in a transaction, after answerAtCommit");
                }
                return new Statement(prepare.apply(sql), pipeline, answer);
            }
            if (sql.startsWith(CHANGES_ONE_ROW)) {
                Matcher update = UPDATED_TABLE.matcher(sql.substring(CHANGES_ONE_ROW.length()));
                if (!update.matches()) {
                    throw new IllegalArgumentException("only an update changes one row: " + sql);
                }
                String checked = expectOneRow(sql, update.group(1));
                return pipeline == null ? prepare.apply(checked) : new Statement(prepare.apply(checked), pipeline, IGNORED);
            }
            if (pipeline == null) {
                return prepare.apply(sql);
            }
            if (ROW_INSERT.matcher(sql).matches()) {
                return new Statement(prepare.apply(sql), pipeline, IGNORED);
            }
            Matcher update = ROW_UPDATE.matcher(sql);
            if (update.matches()) {
                return new Statement(prepare.apply(expectOneRow(sql, update.group(1))), pipeline, IGNORED);
            }
            return new Statement(prepare.apply(sql), pipeline, null);
        }

        /** {@code update}, raising 40001 in the database when it changed no row of {@code table} (migration V15). */
        private static String expectOneRow(String update, String table) {
            return "with changed as (" + update + " returning 1) select eventual_expect_one_row(count(*), '" + table + "') from changed";
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
            close().onComplete(handler);
        }

        /** Rolls back a transaction left running first: the connection goes back to the pool clean. */
        @Override
        public Future<Void> close() {
            Pipeline pipeline = pipeline();
            return pipeline == null ? connection.close() : pipeline.rollback().eventually(() -> connection.close());
        }

        @Override
        public DatabaseMetadata databaseMetadata() {
            return connection.databaseMetadata();
        }
    }

    /**
     * A transaction sent as it goes: BEGIN, then statements, then COMMIT, awaiting only what its user awaits. Remembers
     * the first unawaited statement that failed, and fails the next awaited statement, or the commit, with it.
     */
    static final class Pipeline implements Transaction {

        private final SqlConnection connection;
        private final List<Future<Void>> unanswered = new ArrayList<>();
        private final Promise<Void> completion = Promise.promise();
        private Throwable failure;
        private boolean running = true;

        Pipeline(SqlConnection connection) {
            this.connection = connection;
            unawaited(connection.query("BEGIN").execute(), IGNORED);
        }

        boolean running() {
            return running;
        }

        void unawaited(Future<RowSet<Row>> answer, Consumer<RowSet<Row>> rows) {
            unanswered.add(answer.transform(result -> {
                if (result.failed()) {
                    failure = failure == null ? result.cause() : failure;
                } else if (failure == null) {
                    rows.accept(result.result());
                }
                return Future.succeededFuture();
            }));
        }

        /** Once every statement sent so far has its answer: the first failure among them, or else {@code error}. */
        <T> Future<T> failWith(Throwable error) {
            return Future.all(unanswered).transform(ignored -> Future.failedFuture(failure != null ? failure : error));
        }

        /** Sent behind everything before it: the database rolls back instead if any of it failed, and so does this. */
        @Override
        public Future<Void> commit() {
            if (!running) {
                return Future.failedFuture(new IllegalStateException("the transaction has ended"));
            }
            running = false;
            Future<RowSet<Row>> ended = connection.query(failure == null ? "COMMIT" : "ROLLBACK").execute();
            return Future.all(unanswered).transform(ignored -> ended).transform(result -> {
                Throwable error = failure != null ? failure : result.cause();
                if (error == null) {
                    completion.tryComplete();
                    return Future.succeededFuture();
                }
                completion.tryFail(TransactionRollbackException.INSTANCE);
                return Future.failedFuture(error);
            });
        }

        @Override
        public void commit(Handler<AsyncResult<Void>> handler) {
            commit().onComplete(handler);
        }

        @Override
        public Future<Void> rollback() {
            if (!running) {
                return Future.succeededFuture();
            }
            running = false;
            completion.tryFail(TransactionRollbackException.INSTANCE);
            return connection.query("ROLLBACK").execute().mapEmpty();
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
            return completion.future();
        }
    }

    /** A statement inside a pipelined transaction: awaited with its real answer, or answered at once and checked later. */
    static final class Statement implements PreparedQuery<RowSet<Row>> {

        private final PreparedQuery<RowSet<Row>> query;
        private final Pipeline pipeline;
        /** Where an unawaited statement's rows go; null for a statement that is awaited. */
        private final Consumer<RowSet<Row>> unawaited;

        Statement(PreparedQuery<RowSet<Row>> query, Pipeline pipeline, Consumer<RowSet<Row>> unawaited) {
            this.query = query;
            this.pipeline = pipeline;
            this.unawaited = unawaited;
        }

        @Override
        public Future<RowSet<Row>> execute(Tuple tuple) {
            Future<RowSet<Row>> answer = query.execute(tuple);
            if (unawaited != null) {
                pipeline.unawaited(answer, unawaited);
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
            return execute(Tuple.tuple());
        }

        @Override
        public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
            execute().onComplete(handler);
        }

        @Override
        public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
            // Awaited even when it could wait: only the real answer holds a row count per entry.
            Future<RowSet<Row>> answer = query.executeBatch(batch).recover(pipeline::failWith);
            return unawaited == null ? answer : answer.onSuccess(unawaited::accept);
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

    /** The answer an unawaited statement gets before its real one: one row changed, no rows returned. */
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
