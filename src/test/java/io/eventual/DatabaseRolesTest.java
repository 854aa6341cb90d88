package io.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each function's database role, tried as a compromised function would: it reads and writes its own tables and the
 * shared messaging tables, and is refused everything else — another function's tables, DDL, TRUNCATE.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class DatabaseRolesTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Test
    void paymentsRoleReachesOnlyPaymentsTablesAndTheMessagingOnes() throws SQLException {
        try (Connection payment = DriverManager.getConnection(url, "eventual_payment", "eventual_payment");
                Statement sql = payment.createStatement()) {
            sql.executeQuery("select count(*) from payment_account").close();
            sql.executeQuery("select count(*) from payment").close();
            sql.executeQuery("select count(*) from outbox").close();
            sql.executeQuery("select count(*) from processed_event").close();

            assertRefused(sql, "select * from saga", "permission denied for table saga");
            assertRefused(sql, "select * from inventory_stock", "permission denied for table inventory_stock");
            assertRefused(sql, "select * from event_store", "permission denied for table event_store");
            assertAllowed(sql, "update payment_account set credit_limit = credit_limit");
            assertAllowed(sql, "delete from processed_event where false");
            assertRefused(sql, "truncate payment", "permission denied for table payment");
            assertRefused(sql, "drop table payment", "must be owner of table payment");
            assertRefused(sql, "alter table payment_account add column backdoor text", "must be owner of table payment_account");
            assertRefused(sql, "drop table outbox", "must be owner of table outbox");
            assertRefused(sql, "create table stolen (x text)", "permission denied for schema public");
            assertRefused(sql, "create role intruder", "permission denied to create role");
            assertRefused(sql, "select eventual_event_store_drop('event_store_2020_01')",
                    "permission denied for function eventual_event_store_drop");
        }
    }

    @Test
    void theStoreManagesMonthsOnlyThroughTheOwnersFunctions() throws SQLException {
        try (Connection store = DriverManager.getConnection(url, "eventual_store", "eventual_store");
                Statement sql = store.createStatement()) {
            assertAllowed(sql, "select eventual_event_store_partitions(2)");
            assertRefused(sql, "select eventual_event_store_partition(now()::timestamp)",
                    "permission denied for function eventual_event_store_partition");
            assertRefused(sql, "select eventual_event_store_drop('event_store_default')", "not a month partition of event_store");
            assertRefused(sql, "select eventual_event_store_drop('saga')", "not a month partition of event_store");
            assertRefused(sql, "drop table event_store_default", "must be owner of table event_store_default");
            assertRefused(sql, "create table event_store_1999_01 partition of event_store for values from ('1999-01-01') to ('1999-02-01')",
                    "permission denied for schema public");
        }
    }

    @Test
    void monthDdlGivesUpRatherThanHoldUpTheStoreBehindALongReader() throws SQLException {
        try (Connection owner = DriverManager.getConnection(url, "postgres", "postgres");
                Connection reader = DriverManager.getConnection(url, "postgres", "postgres");
                Connection store = DriverManager.getConnection(url, "eventual_store", "eventual_store");
                Statement sql = store.createStatement()) {
            owner.createStatement().execute("select eventual_event_store_partition('2001-01-01')");
            // A long report on the event store: dropping a month must wait for it, and every writer would queue behind.
            reader.setAutoCommit(false);
            reader.createStatement().execute("lock table event_store in access share mode");
            sql.execute("set statement_timeout = '20s'");
            assertThatThrownBy(() -> sql.execute("select eventual_event_store_drop('event_store_2001_01')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                            .as("lock_not_available, not a statement that waited until cancelled").isEqualTo("55P03"));
            reader.rollback();
            sql.execute("select eventual_event_store_drop('event_store_2001_01')");
        }
    }

    /**
     * Every role's grants, table by table and privilege by privilege, and its memberships, are exactly those
     * docs/security.md lists: a grant added or lost in a migration fails here until the document says so too.
     */
    @Test
    void everyRolesGrantsAreExactlyThoseTheDocumentLists() throws Exception {
        StringBuilder actual = new StringBuilder();
        try (Connection owner = DriverManager.getConnection(url, "postgres", "postgres");
                Statement sql = owner.createStatement();
                ResultSet roles = sql.executeQuery(
                        """
                                select r.rolname,
                                       coalesce((select string_agg('`' || m.rolname || '`', ', ' order by m.rolname)
                                                 from pg_auth_members a join pg_roles m on m.oid = a.roleid where a.member = r.oid), '') as member_of,
                                       coalesce((select string_agg('`' || table_name || '` ' || privileges, ', ' order by table_name)
                                                 from (select table_name, string_agg(case privilege_type when 'SELECT' then 'S'
                                                           when 'INSERT' then 'I' when 'UPDATE' then 'U' when 'DELETE' then 'D'
                                                           else ' ' || privilege_type || ' ' end, '' order by
                                                           position(left(privilege_type, 1) in 'SIUD'), privilege_type) as privileges
                                                       from information_schema.role_table_grants
                                                       where grantee = r.rolname and table_schema = 'public' group by table_name) t), '')
                                           as tables
                                from pg_roles r where r.rolname like 'eventual\\_%' and r.rolname <> 'eventual_local' order by 1""")) {
            actual.append("| role | member of | tables: S select, I insert, U update, D delete |\n|---|---|---|\n");
            while (roles.next()) {
                actual.append("| `").append(roles.getString(1)).append("` | ").append(roles.getString(2)).append(" | ")
                        .append(roles.getString(3)).append(" |\n");
            }
        }
        String document = Files.readString(Path.of("docs/security.md"));
        String start = "<!-- database grants: checked by DatabaseRolesTest -->\n";
        int from = document.indexOf(start);
        int to = document.indexOf("<!-- /database grants -->", from);
        assertThat(from).as("docs/security.md marks its table of grants with %s", start.strip()).isNotNegative();
        assertThat(document.substring(from + start.length(), to)).as("docs/security.md's table of grants must be:%n%s", actual)
                .isEqualTo(actual.toString());
    }

    @Test
    void everyTableBelongsToSomeFunctionsRole() throws SQLException {
        List<String> orphans = new ArrayList<>();
        try (Connection owner = DriverManager.getConnection(url, "postgres", "postgres");
                Statement sql = owner.createStatement();
                ResultSet tables = sql.executeQuery("""
                        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
                          and c.relname <> 'flyway_schema_history'
                          and not exists (select 1 from information_schema.role_table_grants g
                                          where g.table_name = c.relname and g.grantee like 'eventual\\_%')
                        order by 1""")) {
            while (tables.next()) {
                orphans.add(tables.getString(1));
            }
        }
        assertThat(orphans).as("tables no function's role may use: grant them in the migration that creates them "
                + "(see V12__function_roles.sql)").isEmpty();
    }

    private static void assertAllowed(Statement sql, String statement) throws SQLException {
        rolledBack(sql, () -> sql.execute(statement));
    }

    private static void assertRefused(Statement sql, String statement, String refusal) throws SQLException {
        rolledBack(sql, () -> assertThatThrownBy(() -> sql.execute(statement)).as(statement).hasMessageContaining(refusal));
    }

    /** Runs {@code attempt} in a transaction that is rolled back, so that nothing it did stays. */
    private static void rolledBack(Statement sql, Attempt attempt) throws SQLException {
        Connection connection = sql.getConnection();
        connection.setAutoCommit(false);
        try {
            attempt.run();
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private interface Attempt {
        void run() throws SQLException;
    }
}
