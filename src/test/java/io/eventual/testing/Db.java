package io.eventual.testing;

import java.math.BigDecimal;
import java.time.Duration;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the functions' own tables, to check effects where they are kept. */
public final class Db {

    private final Pool pool;

    public Db(Pool pool) {
        this.pool = pool;
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
