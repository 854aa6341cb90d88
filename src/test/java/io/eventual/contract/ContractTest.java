package io.eventual.contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.eventual.event.InvalidEventException;
import io.eventual.event.order.OrderPlaced;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Node;
import io.eventual.trigger.ContractResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The compatibility gate and the proof that the published contract is the one the app enforces. Run with
 * {@code -Dcontract.write=true} to write what is missing (the schema of a new version, docs/asyncapi.yaml); it never
 * rewrites the schema of a version that exists.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class ContractTest {

    static final Path RESOURCES = Path.of("src/main/resources");
    static final Path ASYNCAPI = Path.of("docs/asyncapi.yaml");
    static final boolean WRITE = Boolean.getBoolean("contract.write");
    static final String HOW_TO = "To change a type's data: keep old events readable — change its record, add a step to "
            + "event/Upcasters.java that turns version n into n + 1 (that is the version bump), add a sample of the new "
            + "version under src/main/resources/contract/samples/<type>/, then run "
            + "./mvnw test -Dtest=ContractTest -Dcontract.write=true to write the new version's schema, and commit both.";

    @Inject
    EventCodec codec;
    @Inject
    ObjectMapper mapper;
    @Inject
    Contract contract;

    final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @Test
    void theSchemaOfEveryTypesCurrentVersionIsTheOneItsRecordGenerates() throws IOException {
        SchemaGenerator generator = new SchemaGenerator();
        List<String> problems = new ArrayList<>();
        for (EventType type : EventType.values()) {
            int version = type.schemaVersion();
            Path snapshot = RESOURCES.resolve(Contract.SCHEMAS + type.typeName() + "/" + version + ".json");
            String generated = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(generator.current(type)) + "\n";
            if (!Files.exists(snapshot)) {
                if (WRITE) {
                    Files.createDirectories(snapshot.getParent());
                    Files.writeString(snapshot, generated);
                    continue;
                }
                problems.add(type + " is at version " + version + " but " + snapshot + " does not exist: run "
                        + "./mvnw test -Dtest=ContractTest -Dcontract.write=true to write it.");
            } else if (!mapper.readTree(snapshot.toFile()).equals(mapper.readTree(generated))) {
                problems.add("The data schema of " + type + " changed, but its version (" + version + ") did not: "
                        + "events already published or stored at version " + version + " may no longer be read. "
                        + HOW_TO + " (If the change only documents or loosens nothing, still bump: a published "
                        + "schema never changes.)\n  committed: " + snapshot + "\n  generated: " + generated);
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void everySampleOfEveryVersionIsValidByItsSchemaAndReadByTheCurrentCode() throws IOException {
        List<String> problems = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (int version = 1; version <= type.schemaVersion(); version++) {
                String where = type + " version " + version;
                ObjectNode sample;
                Schema schema;
                try {
                    sample = contract.sample(type, version);
                    schema = schemas.getSchema(contract.schema(type, version).orElseThrow());
                } catch (IllegalStateException e) {
                    problems.add(where + ": " + e.getMessage() + ". Every version since 1 keeps a schema and a sample. "
                            + HOW_TO);
                    continue;
                }
                assertThat(schema.validate(sample)).as(where + " sample against its schema").isEmpty();
                try {
                    codec.readData(type, version, mapper.writeValueAsBytes(sample));
                } catch (InvalidEventException e) {
                    problems.add("The current code cannot read a " + where + " event any more (" + e.getMessage()
                            + "). " + HOW_TO);
                }
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    /**
     * A corpus of payloads per type — each sample with every field removed, nulled or replaced by values of the wrong
     * type, shape, alphabet, length, sign or range — is judged alike by a JSON Schema validator and by the app. The
     * one rule a schema cannot state, order.placed's total = Σ lines, is kept true where the corpus does not aim at it.
     */
    @Test
    void theSchemaAndTheAppJudgeEveryPayloadAlike() throws IOException {
        List<String> disagreements = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        for (EventType type : EventType.values()) {
            Schema schema = schemas.getSchema(contract.schema(type, type.schemaVersion()).orElseThrow());
            for (Mutant mutant : mutants(contract.sample(type, type.schemaVersion()))) {
                if (type == EventType.ORDER_PLACED && !mutant.path().equals("total")) {
                    keepTotalTrue(mutant.payload());
                }
                List<String> bySchema = schema.validate(mutant.payload()).stream().map(Object::toString).toList();
                String byApp = appJudgment(type, mutant.payload());
                if (bySchema.isEmpty() != (byApp == null)) {
                    disagreements.add(type + " " + mutant.path() + " = " + mutant.payload() + "\n    schema: "
                            + (bySchema.isEmpty() ? "valid" : bySchema) + "\n    app: " + (byApp == null ? "valid" : byApp));
                }
                if (byApp == null) {
                    valid++;
                } else {
                    invalid++;
                }
            }
        }
        assertThat(disagreements).as(disagreements.size() + " disagreements:\n" + String.join("\n", disagreements)).isEmpty();
        assertThat(valid).as("valid payloads in the corpus").isGreaterThan(100);
        assertThat(invalid).as("invalid payloads in the corpus").isGreaterThan(500);
    }

    @Test
    void schemasAndTheAsyncApiDocumentAreServed() throws IOException, InterruptedException {
        for (EventType type : EventType.values()) {
            for (int version = 1; version <= type.schemaVersion(); version++) {
                JsonNode served = mapper.readTree(given().get("/schemas/{type}/{version}", type.typeName(), version)
                        .then().statusCode(200).contentType(ContractResource.SCHEMA_JSON).extract().asString());
                assertThat(served).isEqualTo(contract.schema(type, version).orElseThrow());
                assertThat(served.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            }
        }
        given().get("/schemas/order.placed/3").then().statusCode(404).contentType("application/problem+json");
        given().get("/schemas/no.such.type/1").then().statusCode(404).contentType("application/problem+json");

        String yaml = given().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        if (WRITE) {
            Files.writeString(ASYNCAPI, yaml);
        }
        assertThat(Files.exists(ASYNCAPI) ? Files.readString(ASYNCAPI, StandardCharsets.UTF_8) : "")
                .as(ASYNCAPI + " is the generated document (run ./mvnw test -Dtest=ContractTest -Dcontract.write=true "
                        + "after changing the catalogue)")
                .isEqualTo(yaml);

        JsonNode json = mapper.readTree(given().get("/asyncapi.json").then().statusCode(200).extract().asString());
        assertThat(json.path("asyncapi").asText()).isEqualTo("3.0.0");
        for (EventType type : EventType.values()) {
            assertThat(json.at("/channels/" + type.typeName() + "/address").asText()).isEqualTo(type.typeName());
            assertThat(json.at("/components/messages/" + type.typeName() + "/payload/$id").asText())
                    .isEqualTo(Contract.schemaId(type, type.schemaVersion()));
            for (String consumer : type.consumers()) {
                assertThat(json.at("/channels/" + type.queue(consumer) + "/address").asText()).isEqualTo(type.fqqn(consumer));
                assertThat(json.at("/operations/" + consumer + ".receive." + type.typeName() + "/action").asText())
                        .isEqualTo("receive");
            }
            assertThat(json.at("/operations/" + type.emitter() + ".send." + type.typeName() + "/action").asText())
                    .isEqualTo("send");
        }
        assertThat(json.at("/components/securitySchemes/saslPlain/type").asText()).isEqualTo("plain");
        assertThat(Node.validation("validate-asyncapi.mjs", json.toString()))
                .as("problems found by the AsyncAPI 3.0 JSON Schema (@asyncapi/specs)").isEmpty();
    }

    private String appJudgment(EventType type, JsonNode payload) throws IOException {
        try {
            codec.readData(type, type.schemaVersion(), mapper.writeValueAsBytes(payload));
            return null;
        } catch (InvalidEventException e) {
            boolean onlyTheSum = e.violations().stream().allMatch(v -> v.field() != null && v.field().equals("data.total")
                    && v.message().startsWith("must equal the sum"));
            // The sum rule is stated in the schema's description only: with it alone broken, the schema says valid.
            return onlyTheSum ? null : e.getMessage();
        }
    }

    record Mutant(String path, JsonNode payload) {
    }

    private static final List<JsonNode> REPLACEMENTS;
    static {
        JsonNodeFactory f = JsonNodeFactory.instance;
        REPLACEMENTS = List.of(f.nullNode(), f.numberNode(42), f.numberNode(1.5), f.numberNode(-1), f.numberNode(0),
                f.numberNode(2_000_000_000L), f.booleanNode(true), f.textNode(""), f.textNode("   "), f.textNode("x"),
                f.textNode("bad id!"), f.textNode("-starts-with-a-dash"), f.textNode("a".repeat(65)),
                f.textNode("a".repeat(64)), f.textNode("x".repeat(201)), f.textNode("ZZ"), f.textNode("ZZZ"),
                f.textNode("EUR"), f.textNode("DE"), f.textNode("-1.00"), f.textNode("0"), f.textNode("0.00"),
                f.textNode("1e3"), f.textNode("+1"), f.textNode("12.50"), f.textNode("1000000000"),
                f.textNode("1000000000.01"), f.textNode("999999999.99"), f.textNode("2026-12-01"),
                f.textNode("2026-12-01T10:00:00Z"), f.textNode("not-a-date"), f.objectNode(), f.arrayNode());
    }

    /** The sample, and the sample with each field removed or replaced by each of the replacements; arrays over-filled. */
    private static List<Mutant> mutants(ObjectNode sample) {
        List<Mutant> mutants = new ArrayList<>();
        mutants.add(new Mutant("(sample)", sample.deepCopy()));
        ObjectNode extra = sample.deepCopy();
        extra.put("comment", "fields eventual does not know are ignored");
        mutants.add(new Mutant("(unknown field)", extra));
        collect(sample, sample, "", mutants);
        return mutants;
    }

    private static void collect(ObjectNode root, JsonNode node, String path, List<Mutant> mutants) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
                String name = names.next();
                String child = path.isEmpty() ? name : path + "." + name;
                mutants.add(new Mutant(child, mutate(root, child, null)));
                for (JsonNode replacement : REPLACEMENTS) {
                    mutants.add(new Mutant(child, mutate(root, child, replacement)));
                }
                collect(root, object.get(name), child, mutants);
            }
        } else if (node instanceof ArrayNode array && !array.isEmpty()) {
            ArrayNode full = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < 101; i++) {
                full.add(array.get(0).deepCopy());
            }
            mutants.add(new Mutant(path, mutate(root, path, full)));
            String first = path + "[0]";
            for (JsonNode replacement : REPLACEMENTS) {
                mutants.add(new Mutant(first, mutate(root, first, replacement)));
            }
            collect(root, array.get(0), first, mutants);
        }
    }

    /** A copy of {@code root} with the value at {@code path} replaced ({@code null}: removed). */
    private static JsonNode mutate(ObjectNode root, String path, JsonNode replacement) {
        ObjectNode copy = root.deepCopy();
        String[] segments = path.replace("[0]", ".0").split("\\.");
        JsonNode parent = copy;
        for (int i = 0; i < segments.length - 1; i++) {
            parent = parent instanceof ArrayNode a ? a.get(Integer.parseInt(segments[i])) : parent.get(segments[i]);
        }
        String last = segments[segments.length - 1];
        if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), replacement == null ? JsonNodeFactory.instance.nullNode() : replacement.deepCopy());
        } else if (replacement == null) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ObjectNode) parent).set(last, replacement.deepCopy());
        }
        return copy;
    }

    /** Sets order.placed's total to Σ quantity × unitPrice when every line can be summed. */
    private void keepTotalTrue(JsonNode payload) {
        try {
            OrderPlaced order = mapper.treeToValue(payload, OrderPlaced.class);
            ((ObjectNode) payload).put("total", OrderPlaced.totalOf(order.items()).toPlainString());
        } catch (Exception e) {
            // a line that cannot be summed is what this mutant is about; the total stays as it was
        }
    }
}
