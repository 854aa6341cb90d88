package io.eventual.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes the database refuse to park the dead letters of one subject, as a broken database would: such a message cannot
 * even be parked and ends in the broker's own dead letters. Closing it lets parks through again.
 */
public final class RefusedParks implements AutoCloseable {

    private final String jdbcUrl;

    private RefusedParks(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** Refuses every dead letter whose subject is {@code subject}, until closed. */
    public static RefusedParks of(String jdbcUrl, String subject) throws SQLException {
        RefusedParks refused = new RefusedParks(jdbcUrl);
        refused.sql("""
                create or replace function refuse_test_parks() returns trigger language plpgsql as $$
                begin
                  if new.subject = '%s' then raise exception 'refused by the test'; end if;
                  return new;
                end $$;
                create trigger refuse_test_parks before insert on dead_letter for each row execute function refuse_test_parks()"""
                .formatted(subject));
        return refused;
    }

    @Override
    public void close() throws SQLException {
        sql("drop trigger refuse_test_parks on dead_letter; drop function refuse_test_parks()");
    }

    private void sql(String statements) throws SQLException {
        try (Connection owner = DriverManager.getConnection(jdbcUrl, "postgres", "postgres"); Statement sql = owner.createStatement()) {
            sql.execute(statements);
        }
    }
}
