package io.eventual;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Node;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The examples of docs/producers.md, run as their reader would run them, against the embedded broker. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class ProducerExamplesTest {

    @Test
    void theRheaExamplePlacesAnOrderAndHearsThatItCompleted() throws Exception {
        Node.Run run = Node.node(Path.of("docs/producers/javascript"), null,
                producer(Map.of("EVENTUAL_TIMEOUT_MS", "30000")),
                "place-order.mjs");

        assertCompleted(run);
    }

    /** Debian's python3-qpid-proton lives in the system Python; .ci/run installs it. */
    @Test
    void theQpidProtonExamplePlacesAnOrderAndHearsThatItCompleted() throws Exception {
        Node.Run run = Node.run(Path.of("docs/producers/python"), null,
                producer(Map.of()),
                "/usr/bin/python3", "place_order.py");

        assertThat(run.output()).as("python3-qpid-proton is needed: sudo apt-get install python3-qpid-proton")
                .doesNotContain("No module named 'proton'");
        assertCompleted(run);
    }

    /** Listed first, a broker that does not answer (a backup not yet live, a primary that died): the next one serves. */
    @Test
    void bothExamplesMoveToTheBrokerOfThePairThatAnswers() throws Exception {
        Map<String, String> environment = producer(Map.of("EVENTUAL_TIMEOUT_MS", "30000"));
        environment.put("EVENTUAL_AMQP_FAILOVER", "localhost:" + environment.get("EVENTUAL_AMQP_PORT"));
        environment.put("EVENTUAL_AMQP_PORT", Integer.toString(io.eventual.testing.AppProcess.freePort()));

        assertCompleted(Node.node(Path.of("docs/producers/javascript"), null, environment, "place-order.mjs"));
        assertCompleted(Node.run(Path.of("docs/producers/python"), null, environment, "/usr/bin/python3", "place_order.py"));
    }

    /** The environment of an outside producer: the broker's address and the dev producer account. */
    private static Map<String, String> producer(Map<String, String> more) {
        Map<String, String> environment = new java.util.HashMap<>(more);
        environment.put("EVENTUAL_AMQP_PORT", Integer.getInteger("test.amqp-port").toString());
        environment.put("EVENTUAL_AMQP_USER", "producer");
        environment.put("EVENTUAL_AMQP_PASSWORD", "producer");
        return environment;
    }

    private static void assertCompleted(Node.Run run) {
        assertThat(run.exit()).as(run.output()).isZero();
        Matcher completed = Pattern.compile("COMPLETED (\\S+)").matcher(run.output());
        assertThat(completed.find()).as(run.output()).isTrue();
        given().get("/orders/{id}", completed.group(1)).then().statusCode(200)
                .body("status", equalTo("COMPLETED")).body("customerId", equalTo("ada"));
    }
}
