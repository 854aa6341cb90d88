package io.eventual.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.eventual.event.Priority;
import io.eventual.store.Recorder;

/**
 * eventual's event contract as documents: the JSON Schema of every type and version (committed snapshots, generated
 * from the event records and kept equal to them by ContractTest), a sample event of each, and the AsyncAPI 3.0
 * document, built from the catalogue ({@link EventType}) and those schemas.
 */
@ApplicationScoped
public class Contract {

    /** Where schemas and samples live on the class path: {@code contract/schemas/<type>/<version>.json}. */
    public static final String SCHEMAS = "contract/schemas/";
    public static final String SAMPLES = "contract/samples/";
    private static final String BROKER_ROOM = "the Artemis broker of the deployment (dev mode: localhost:5672)";

    private final ObjectMapper mapper;
    private final ObjectNode asyncApi;

    public Contract(ObjectMapper mapper) {
        this.mapper = mapper;
        this.asyncApi = buildAsyncApi();
    }

    public static String schemaId(EventType type, int version) {
        return "urn:eventual:schema:" + type.typeName() + ":" + version;
    }

    /** The JSON Schema of {@code type}'s data at {@code version}, if that version exists. */
    public Optional<ObjectNode> schema(EventType type, int version) {
        return version < 1 || version > type.schemaVersion() ? Optional.empty()
                : Optional.of(read(SCHEMAS + type.typeName() + "/" + version + ".json"));
    }

    /** A sample {@code data} of {@code type} at {@code version}. */
    public ObjectNode sample(EventType type, int version) {
        return read(SAMPLES + type.typeName() + "/" + version + ".json");
    }

    public ObjectNode asyncApi() {
        return asyncApi.deepCopy();
    }

    private ObjectNode read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing contract resource " + resource);
            }
            return (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode buildAsyncApi() {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("asyncapi", "3.0.0");
        doc.putObject("info").put("title", "eventual").put("version", "1")
                .put("description", "The events of eventual's order saga (payment → inventory → shipping, with "
                        + "compensation) as CloudEvents 1.0 over AMQP 1.0. Every event type is a multicast address; "
                        + "each consuming function reads it through a durable queue of its own. Outside services "
                        + "publish the inbound types (order.placed) and subscribe to the outcomes (order.completed, "
                        + "order.cancelled). Generated from the event catalogue (event/EventType.java).");
        doc.put("defaultContentType", EventCodec.JSON);
        ObjectNode server = doc.putObject("servers").putObject("broker");
        server.put("host", "{host}:{port}").put("protocol", "amqp").put("protocolVersion", "1.0")
                .put("description", BROKER_ROOM);
        ObjectNode variables = server.putObject("variables");
        variables.putObject("host").put("default", "artemis");
        variables.putObject("port").put("default", "5672").putArray("enum").add("5672").add("5671");
        server.putArray("security").addObject().put("$ref", "#/components/securitySchemes/saslPlain");
        server.putObject("bindings").putObject("amqp1");

        ObjectNode channels = doc.putObject("channels");
        ObjectNode operations = doc.putObject("operations");
        ObjectNode components = doc.putObject("components");
        ObjectNode messages = components.putObject("messages");
        for (EventType type : EventType.values()) {
            String name = type.typeName();
            ObjectNode address = channels.putObject(name);
            address.put("address", name).put("title", name)
                    .put("description", "Multicast address of " + name + " (" + type.summary() + ").");
            address.putObject("messages").putObject(name).put("$ref", "#/components/messages/" + name);
            address.putObject("bindings").putObject("amqp1");
            ObjectNode send = operations.putObject(type.emitter() + ".send." + name);
            send.put("action", "send").put("summary", (type.inbound()
                    ? "eventual's trigger (POST /orders, POST /events) and outside producers publish " : type.emitter() + " publishes ")
                    + name);
            send.putObject("channel").put("$ref", "#/channels/" + name);
            send.putArray("messages").addObject().put("$ref", "#/channels/" + name + "/messages/" + name);
            for (String consumer : type.consumers()) {
                ObjectNode queue = channels.putObject(type.queue(consumer));
                queue.put("address", type.fqqn(consumer)).put("title", type.queue(consumer))
                        .put("description", "The durable queue through which " + consumer + " reads " + name
                                + " (its fully qualified queue name).");
                queue.putObject("messages").putObject(name).put("$ref", "#/components/messages/" + name);
                queue.putObject("bindings").putObject("amqp1");
                ObjectNode receive = operations.putObject(consumer + ".receive." + name);
                receive.put("action", "receive").put("summary", consumer + " handles " + name);
                receive.putObject("channel").put("$ref", "#/channels/" + type.queue(consumer));
                receive.putArray("messages").addObject()
                        .put("$ref", "#/channels/" + type.queue(consumer) + "/messages/" + name);
            }
            messages.set(name, message(type));
        }
        ObjectNode store = channels.putObject(Recorder.QUEUE);
        store.put("address", Recorder.ADDRESS + "::" + Recorder.QUEUE).put("title", Recorder.QUEUE)
                .put("description", "The event store's queue on the wildcard address: a copy of every event.");
        ObjectNode everything = store.putObject("messages");
        ObjectNode record = operations.putObject("store.receive.all");
        record.put("action", "receive").put("summary", "the event store records every event");
        record.putObject("channel").put("$ref", "#/channels/" + Recorder.QUEUE);
        ArrayNode recorded = record.putArray("messages");
        for (EventType type : EventType.values()) {
            everything.putObject(type.typeName()).put("$ref", "#/components/messages/" + type.typeName());
            recorded.addObject().put("$ref", "#/channels/" + Recorder.QUEUE + "/messages/" + type.typeName());
        }
        store.putObject("bindings").putObject("amqp1");
        components.putObject("messageTraits").set("cloudEvents", cloudEventsTrait());
        components.putObject("securitySchemes").putObject("saslPlain").put("type", "plain")
                .put("description", "SASL PLAIN with the account's user name and password (over TLS in production).");
        return doc;
    }

    private ObjectNode message(EventType type) {
        ObjectNode message = mapper.createObjectNode();
        message.put("name", type.typeName()).put("title", type.typeName())
                .put("summary", type.summary())
                .put("description", "CloudEvents type " + type.typeName() + ", data schema version "
                        + type.schemaVersion() + " (JSON Schema: GET /schemas/" + type.typeName() + "/"
                        + type.schemaVersion() + "; older versions are still read).")
                .put("contentType", EventCodec.JSON);
        message.putObject("correlationId").put("location", "$message.header#/cloudEvents:correlationid");
        message.putArray("traits").addObject().put("$ref", "#/components/messageTraits/cloudEvents");
        ObjectNode payload = schema(type, type.schemaVersion()).orElseThrow();
        payload.remove("$schema");
        message.set("payload", payload);
        ObjectNode example = message.putArray("examples").addObject();
        example.put("name", "sample");
        example.putObject("headers").put("cloudEvents:specversion", EventCodec.SPEC_VERSION)
                .put("cloudEvents:id", "3f0c1b7e-5a55-4f0e-9d8e-0c1f6f0a2b11")
                .put("cloudEvents:source", "/eventual/" + type.emitter())
                .put("cloudEvents:type", type.typeName())
                .put("cloudEvents:subject", subject(type))
                .put("cloudEvents:time", "2026-11-27T09:00:00Z")
                .put("cloudEvents:" + EventCodec.SCHEMA_VERSION, type.schemaVersion());
        example.set("payload", sample(type, type.schemaVersion()));
        message.putObject("bindings").putObject("amqp1");
        return message;
    }

    /** The subject of the sample: the stream its data belongs to (an order, a SKU, a customer). */
    private String subject(EventType type) {
        try {
            return mapper.treeToValue(sample(type, type.schemaVersion()), type.dataClass()).subject();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the sample of " + type + " cannot be read", e);
        }
    }

    private ObjectNode cloudEventsTrait() {
        ObjectNode trait = mapper.createObjectNode();
        trait.put("summary", "CloudEvents 1.0, AMQP binding, binary mode");
        trait.put("description", "Attributes are application properties prefixed cloudEvents: (cloudEvents_ is "
                + "accepted too); datacontenttype is the AMQP content-type. Each attribute may be sent in its native "
                + "AMQP type or as its canonical string; eventual sends time as an AMQP timestamp and schemaversion as "
                + "a long. The AMQP group-id is the order id.");
        ObjectNode headers = trait.putObject("headers");
        headers.put("type", "object");
        ArrayNode required = headers.putArray("required");
        for (String name : new String[] { "specversion", "id", "source", "type" }) {
            required.add("cloudEvents:" + name);
        }
        ObjectNode properties = headers.putObject("properties");
        properties.putObject("cloudEvents:specversion").put("type", "string").put("const", EventCodec.SPEC_VERSION);
        properties.putObject("cloudEvents:id").put("type", "string").put("minLength", 1)
                .put("description", "Unique per source; consumers deduplicate on it.");
        properties.putObject("cloudEvents:source").put("type", "string").put("format", "uri-reference");
        properties.putObject("cloudEvents:type").put("type", "string").put("description", "The catalogued type, also the address.");
        properties.putObject("cloudEvents:subject").put("type", "string").put("description",
                "The stream: the order id (data.orderId), sku:<sku> for stock, customer:<id> for credit.");
        properties.putObject("cloudEvents:time").put("type", "string").put("format", "date-time")
                .put("description", "An AMQP timestamp or an RFC 3339 string.");
        ObjectNode version = properties.putObject("cloudEvents:" + EventCodec.SCHEMA_VERSION);
        version.putArray("type").add("integer").add("string");
        version.put("description", "Version of the data schema; absent means 1.");
        properties.putObject("cloudEvents:" + EventCodec.CORRELATION_ID).put("type", "string").put("minLength", 1)
                .put("description", "Shared by every event of one order's flow (CloudEvents Correlation extension).");
        properties.putObject("cloudEvents:" + EventCodec.CAUSATION_ID).put("type", "string").put("minLength", 1)
                .put("description", "The id of the event this one answers (CloudEvents Correlation extension).");
        ArrayNode priorities = properties.putObject("cloudEvents:" + EventCodec.PRIORITY).put("type", "string")
                .put("description", "Also the AMQP priority header; absent means NORMAL.").putArray("enum");
        for (Priority priority : Priority.values()) {
            priorities.add(priority.name());
        }
        return trait;
    }
}
