package io.eventual.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventual.testing.ScratchData;

/**
 * What a database failover can lose (docs/availability.md, "Database failover"): the network to the standby cut, the primary killed,
 * the standby promoted. With asynchronous replication a commit the client was told of is gone; with a synchronous standby no
 * commit is acknowledged before the standby has it, so none is lost — it waits instead.
 */
class ReplicationLossIT {

    Path directory;
    PostgresPair pair;

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
        ScratchData.delete(directory);
    }

    @Test
    void asynchronousReplicationLosesAnAcknowledgedCommit() throws Exception {
        start(false);
        insert("before");
        pair.awaitStandbyCaughtUp();
        pair.partition(true);
        insert("acknowledged, then lost"); // returns: nobody waits for the standby
        failOver();
        assertThat(rows()).as("orders the new primary has").containsExactly("before");
    }

    @Test
    void aSynchronousStandbyLosesNothingAcknowledged() throws Exception {
        start(true);
        insert("before");
        pair.awaitStandbyCaughtUp();
        pair.partition(true);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> Batches.run(() -> insert("never acknowledged")));
        Thread.sleep(2_000);
        assertThat(waiting).as("a commit waits for the standby").isNotDone();
        failOver();
        assertThat(waiting).failsWithin(30, TimeUnit.SECONDS);
        assertThat(rows()).as("orders the new primary has").containsExactly("before");
    }

    void start(boolean synchronous) throws Exception {
        directory = Files.createTempDirectory("eventual-replication");
        pair = PostgresPair.start(directory, synchronous);
        PostgresPair.execute(pair.jdbcUrl(), "create table accepted (what text)");
    }

    void failOver() throws Exception {
        pair.killPrimary();
        pair.promoteStandby();
    }

    void insert(String what) throws SQLException {
        PostgresPair.execute(pair.jdbcUrl(), "insert into accepted values ('" + what + "')");
    }

    java.util.List<String> rows() {
        java.util.List<String> rows = new java.util.ArrayList<>();
        new Batches(pair.jdbcUrl(), 0).query("select what from accepted order by what", java.util.List.of(),
                rs -> rows.add(rs.getString(1)));
        return rows;
    }
}
