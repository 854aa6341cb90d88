package io.eventual.testing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.ConfigProvider;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Reads the functions' own tables, to check effects where they are kept, and plants or damages what a test needs, as
 * the schema owner: the application itself runs as the functions' roles, which may not do all a test does.
 */
public final class Db {

    private static final Map<String, Db> OWNERS = new ConcurrentHashMap<>();
    private static final Vertx VERTX = Vertx.vertx();

    private final Pool pool;

    public Db(Pool pool) {
        this.pool = pool;
    }

    /** The test database as its owner sees it (the database of the running test application). */
    public static Db owner() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class);
        return OWNERS.computeIfAbsent(url, u -> new Db(PgPool.pool(VERTX, PgConnectOptions.fromUri(u).setUser("postgres")
                .setPassword("postgres"), new PoolOptions().setMaxSize(4))));
    }

    /** The pool underneath, for a test that needs a transaction of its own. */
    public Pool pool() {
        return pool;
    }

    public long count(String sql, Object... args) {
        return first(sql, args).getLong(0);
    }

    public BigDecimal decimal(String sql, Object... args) {
        Row row = first(sql, args);
        return row == null ? null : row.getBigDecimal(0);
    }

    public Integer integer(String sql, Object... args) {
        Row row = first(sql, args);
        return row == null ? null : row.getInteger(0);
    }

    public String text(String sql, Object... args) {
        Row row = first(sql, args);
        return row == null ? null : row.getString(0);
    }

    public Boolean bool(String sql, Object... args) {
        Row row = first(sql, args);
        return row == null ? null : row.getBoolean(0);
    }

    public void execute(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10));
    }

    private Row first(String sql, Object... args) {
        RowSet<Row> rows = pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10));
        return rows.iterator().hasNext() ? rows.iterator().next() : null;
    }
}
