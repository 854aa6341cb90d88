package io.eventual;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** HIGH orders placed behind a backlog of NORMAL ones are taken first when the saga resumes. */
@QuarkusTest
@TestProfile(PriorityTest.SagaPaused.class)
@QuarkusTestResource(EmbeddedInfrastructure.class)
class PriorityTest {

    public static class SagaPaused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventual.functions", "payment,inventory,shipping,store", "eventual.consumer.concurrency",
                    Integer.toString(CONCURRENCY));
        }
    }

    static final int CONCURRENCY = 2;

    @Test
    void highPriorityOrdersOvertakeTheBacklog() {
        Db db = Db.owner();
        List<String> normal = new ArrayList<>();
        List<String> high = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            normal.add(place("NORMAL"));
        }
        for (int i = 0; i < 3; i++) {
            high.add(place("HIGH"));
        }
        List<String> all = new ArrayList<>(normal);
        all.addAll(high);
        // Every order.placed has crossed the broker (the store saw it) and waits in the saga's queue.
        await().atMost(Duration.ofSeconds(15)).until(() -> db.count("select count(*) from event_store "
                + "where type = 'order.placed' and stream_id = any($1)", (Object) all.toArray(new String[0])) == all.size());

        admin().post("/admin/functions/saga/resume").then().statusCode(204);

        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("select count(*) from saga where id = any($1)",
                (Object) all.toArray(new String[0])) == all.size());
        // The broker hands the HIGH ones over first; with CONCURRENCY handled at once, they are all among the first
        // 3 + CONCURRENCY sagas started (without priorities they would be the last three of 23).
        List<String> started = Db.owner().pool().preparedQuery("select id from saga where id = any($1) order by created_at, id")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of((Object) all.toArray(new String[0])))
                .await().atMost(Duration.ofSeconds(5)).stream().map(row -> row.getString("id")).toList();
        assertThat(started.subList(0, high.size() + CONCURRENCY)).containsAll(high);
        assertThat(db.count("select count(*) from saga where id = any($1) and priority = 'HIGH'",
                (Object) high.toArray(new String[0]))).isEqualTo(3);
        assertThat(admin().get("/admin/functions").jsonPath().getList("running", String.class)).contains("saga");
        admin().post("/admin/functions/nobody/pause").then().statusCode(404);
    }

    private static String place(String priority) {
        return given().contentType("application/json").body("""
                {"customerId":"quinn","priority":"%s","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-1","quantity":1,"unitPrice":"1.00"}]}""".formatted(priority))
                .post("/orders").then().statusCode(202).extract().path("orderId");
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
