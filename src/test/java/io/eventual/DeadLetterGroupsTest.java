package io.eventual;

import static io.eventual.testing.Events.publish;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Failure groups: dead letters counted by consumer, type and class; a whole group redriven or discarded in the
 * background at a capped rate, with its progress at the Location; and each dead letter's history across its parks.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class DeadLetterGroupsTest {

    static final String GROUP = """
            {"consumer":"saga","eventType":"inventory.released","reasonClass":"rejected","rate":%d}""";

    @Test
    void aGroupIsCountedRedrivenWithItsHistoryAndDiscarded() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // Releases for orders the saga does not know: refused, so parked as rejected.
            events.add(publish("inventory.released", """
                    {"orderId":"%s","items":[{"sku":"SKU-1","quantity":1}]}""".formatted(UUID.randomUUID())));
        }
        events.forEach(DeadLetterGroupsTest::awaitLetter);
        Map<String, Object> group = group();
        assertThat((Integer) group.get("count")).isGreaterThanOrEqualTo(3);
        assertThat(OffsetDateTime.parse((String) group.get("lastSeen")))
                .isAfterOrEqualTo(OffsetDateTime.parse((String) group.get("firstSeen")));
        assertThat((String) group.get("lastReason")).startsWith("rejected: no order ");

        String progress = admin().contentType("application/json").body(GROUP.formatted(2))
                .post("/admin/dead-letters/groups/redrive").then().statusCode(202)
                .body("kind", equalTo("dead-letters.redrive")).body("rate", equalTo(2)).extract().header("Location");
        JsonPath done = awaitDone(progress);
        assertThat(done.getInt("done")).isGreaterThanOrEqualTo(3);

        // Redriven, refused again: a new dead letter whose history shows both parks and the redrive between them.
        List<Long> again = events.stream().map(DeadLetterGroupsTest::awaitLetter).toList();
        List<String> history = admin().get("/admin/dead-letters/{id}", again.get(0)).jsonPath().getList("history.what");
        assertThat(history).containsExactly("parked", "redriven", "parked");

        awaitDone(admin().contentType("application/json").body(GROUP.formatted(1000))
                .post("/admin/dead-letters/groups/discard").then().statusCode(202)
                .body("rate", equalTo(100)).extract().header("Location"));
        assertThat(admin().get("/admin/dead-letters/groups").jsonPath().getList("findAll { it.consumer == 'saga' "
                + "&& it.eventType == 'inventory.released' && it.reasonClass == 'rejected' }")).isEmpty();
        again.forEach(id -> admin().get("/admin/dead-letters/{id}", id).then().statusCode(404));
    }

    @Test
    void aGroupRequestIsChecked() {
        admin().contentType("application/json").body("{\"consumer\":\"saga\",\"reasonClass\":\"bogus\"}")
                .post("/admin/dead-letters/groups/redrive").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("reasonClass"));
        admin().contentType("application/json").body("{\"consumer\":\"saga\",\"reasonClass\":\"held\",\"rate\":0}")
                .post("/admin/dead-letters/groups/discard").then().statusCode(400).body("field", equalTo("rate"));
        given().contentType("application/json").body(GROUP.formatted(1)).post("/admin/dead-letters/groups/discard")
                .then().statusCode(401);
        admin().get("/admin/jobs/{id}", UUID.randomUUID()).then().statusCode(404);
        admin().get("/admin/jobs/{id}", "not-a-job").then().statusCode(404);
    }

    @Test
    void aJobsProgressIsReadFromItsRowWhicheverProcessRunsIt() {
        // As another replica of the admin API would have recorded it, renewed just now.
        String id = UUID.randomUUID().toString();
        Db.owner().execute("insert into admin_job (id, kind, request, rate, total, state, done, owner, position) values ("
                + "$1::uuid, 'dead-letters.redrive', '{\"consumer\":\"saga\"}', 7, 40, 'RUNNING', 12, 'another', '{}')", id);
        admin().get("/admin/jobs/{id}", id).then().statusCode(200).body("kind", equalTo("dead-letters.redrive"))
                .body("request.consumer", equalTo("saga")).body("rate", equalTo(7)).body("total", equalTo(40))
                .body("state", equalTo("RUNNING")).body("done", equalTo(12));
        Db.owner().execute("update admin_job set state = 'DONE' where id = $1::uuid", id);
    }

    /** A job whose process stopped is taken over by another process and goes on from where it stood, not from the start. */
    @Test
    void aJobWhoseProcessStoppedIsTakenOverFromWhereItStood() {
        List<Long> letters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            letters.add(awaitLetter(publish("inventory.released", """
                    {"orderId":"%s","items":[{"sku":"SKU-1","quantity":1}]}""".formatted(UUID.randomUUID()))));
        }
        // A discard of the group that had done the first of them when its process stopped a minute ago.
        String id = UUID.randomUUID().toString();
        Db.owner().execute("insert into admin_job (id, kind, request, rate, total, state, done, owner, position, updated_at) "
                + "values ($1::uuid, 'dead-letters.discard', '{}', 100, null, 'RUNNING', 1, 'a-stopped-process', "
                + "$2, now() - interval '1 minute')", id,
                """
                        {"consumer":"saga","eventType":"inventory.released","reasonClass":"rejected","after":%d,"upTo":%d}"""
                        .formatted(letters.get(0), letters.get(2)));

        JsonPath job = awaitDone("/admin/jobs/" + id);
        assertThat(job.getLong("done")).as("one before, two after the take-over").isEqualTo(3);
        admin().get("/admin/dead-letters/{id}", letters.get(0)).then().statusCode(200);
        admin().get("/admin/dead-letters/{id}", letters.get(1)).then().statusCode(404);
        admin().get("/admin/dead-letters/{id}", letters.get(2)).then().statusCode(404);
        admin().delete("/admin/dead-letters/{id}", letters.get(0)).then().statusCode(204);
    }

    /** A job left by a build that kept no position cannot go on: it ends as failed, saying to start it again. */
    @Test
    void aStoppedJobWithoutAPositionEndsAsFailed() {
        String id = UUID.randomUUID().toString();
        Db.owner().execute("insert into admin_job (id, kind, request, rate, state, updated_at) values ($1::uuid, "
                + "'dead-letters.redrive', '{}', 10, 'RUNNING', now() - interval '1 minute')", id);
        JsonPath job = await().atMost(Duration.ofSeconds(20)).until(() -> admin().get("/admin/jobs/{id}", id).then()
                .statusCode(200).extract().jsonPath(), found -> "FAILED".equals(found.getString("state")));
        assertThat(job.getString("error")).startsWith("its process stopped and it cannot be taken over: start it again");
    }

    private static Map<String, Object> group() {
        return admin().get("/admin/dead-letters/groups").then().statusCode(200).extract().jsonPath()
                .getMap("find { it.consumer == 'saga' && it.eventType == 'inventory.released' && it.reasonClass == 'rejected' }");
    }

    private static JsonPath awaitDone(String location) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> admin().get(location).then().statusCode(200).extract()
                .jsonPath(), job -> "DONE".equals(job.getString("state")));
    }

    private static long awaitLetter(String eventId) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> admin().queryParam("size", 500)
                .get("/admin/dead-letters").jsonPath().getList("items.findAll { it.eventId == '" + eventId + "' }.id", Long.class),
                ids -> ids.size() == 1).get(0);
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
