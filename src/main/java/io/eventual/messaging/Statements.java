package io.eventual.messaging;

import java.util.Map;

import io.eventual.messaging.pipelining.PipelinedPool;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Statements a function writes by hand, with the guarantee each needs: what it names, the runtime provides. */
public final class Statements {

    private Statements() {
    }

    /**
     * Runs {@code update} (SQL with named parameters, e.g. a guarded relative update such as "take 3 if at least 3 are
     * left") in the current transaction as a statement that must change exactly one row. Like Hibernate's row updates
     * it is not awaited, and when it changes no row the transaction fails with 40001 and is retried. A row lock it
     * takes is then held only while the database runs the rest of the transaction, never across a round trip.
     */
    public static Uni<Integer> updateOneRow(String update, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(PipelinedPool.CHANGES_ONE_ROW + update);
            parameters.forEach(query::setParameter);
            return query.executeUpdate();
        });
    }
}
