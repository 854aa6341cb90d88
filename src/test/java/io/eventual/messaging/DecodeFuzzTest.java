package io.eventual.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.eventual.event.InvalidEventException;
import io.eventual.messaging.amqp.CloudEventsAmqp;
import io.eventual.messaging.amqp.Delivery;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that turns outside bytes into an event: the CloudEvents AMQP binding
 * (application properties of any AMQP type under either prefix, any content type, any body), the HTTP binding (binary
 * mode attributes, structured JSON), and every catalogued type's data at every schema version, starting from the
 * contract's samples. Every input must end as an event or as {@link InvalidEventException} (a dead letter, or a 400
 * naming the field); any other exception, a hang or a crash is a finding. What is accepted must also be storable:
 * attributes without control characters and within their length, data without NUL.
 *
 * <p>
 * Without {@code JAZZER_FUZZ} these run as regression tests over the inputs kept in
 * {@code src/test/resources/io/eventual/messaging/DecodeFuzzTestInputs} (the first finding was this test's own: a
 * backslash before the six characters {@code \u0000} is no NUL). {@code ./mvnw verify} fuzzes {@link #briefly} in an execution of its own; {@code ./mvnw verify -Pfuzz}
 * fuzzes {@link #forTenMinutes} and nothing else (docs/guarantees.md, "Hostile input, tried").
 */
class DecodeFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final EventCodec CODEC = new EventCodec(JSON, validator());
    static final List<Sample> SAMPLES = samples();
    static final AtomicLong INPUTS = new AtomicLong();
    static final AtomicLong REFUSED = new AtomicLong();
    static final long STARTED = System.nanoTime();

    static final String[] ATTRIBUTES = { "specversion", "id", "source", "type", "subject", "time", "schemaversion",
            "correlationid", "causationid", "priority", "datacontenttype", "dataschema", "x" };
    static final String[] CONTENT_TYPES = { "application/json", "application/cloudevents+json", "application/json; charset=utf-8",
            "text/plain", "application/vnd.x+json", "" };

    /** One of the contract's samples: a type's data at one schema version. */
    record Sample(EventType type, int version, byte[] json) {
    }

    @FuzzTest(maxDuration = "60s")
    void briefly(FuzzedDataProvider data) {
        decodes(data);
    }

    @FuzzTest(maxDuration = "10m")
    void forTenMinutes(FuzzedDataProvider data) {
        decodes(data);
    }

    @AfterAll
    static void report() {
        System.out.printf("fuzz: %d inputs tried in %d s (%d refused as invalid, the rest accepted), no finding%n",
                INPUTS.get(), (System.nanoTime() - STARTED) / 1_000_000_000L, REFUSED.get());
    }

    static void decodes(FuzzedDataProvider data) {
        INPUTS.incrementAndGet();
        try {
            Event event = switch (data.consumeInt(0, 3)) {
                case 0 -> Inbox.decode(CODEC, amqp(data));
                case 1 -> CODEC.fromBinary(http(data), contentType(data), body(data));
                case 2 -> CODEC.fromStructured(structured(data));
                default -> typesData(data);
            };
            storable(event);
        } catch (InvalidEventException refused) {
            REFUSED.incrementAndGet();
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("a refusal that says nothing", refused);
            }
        }
    }

    /** A message as it comes off a queue: application properties of any AMQP type, any content type and body. */
    static Delivery amqp(FuzzedDataProvider data) {
        Map<Object, Object> properties = new LinkedHashMap<>();
        int count = data.consumeInt(0, 14);
        for (int i = 0; i < count; i++) {
            String prefix = data.pickValue(new String[] { "cloudEvents:", "cloudEvents_", "" });
            String name = data.consumeBoolean() ? data.pickValue(ATTRIBUTES) : data.consumeString(16);
            properties.put(prefix + name, amqpValue(data));
        }
        CloudEventsAmqp.Attributes attributes = CloudEventsAmqp.attributes(properties);
        return new Delivery("q", "a", attributes.values(), attributes.problems(), contentType(data), body(data), Map.of());
    }

    static Object amqpValue(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 13)) {
            case 0 -> data.consumeString(300);
            case 1 -> data.consumeLong();
            case 2 -> data.consumeInt();
            case 3 -> data.consumeBoolean();
            case 4 -> new Date(data.consumeLong());
            case 5 -> new Binary(data.consumeBytes(32));
            case 6 -> Symbol.valueOf(data.consumeString(16));
            case 7 -> new UUID(data.consumeLong(), data.consumeLong());
            case 8 -> UnsignedLong.valueOf(data.consumeLong() & Long.MAX_VALUE);
            case 9 -> UnsignedInteger.valueOf(data.consumeInt() & Integer.MAX_VALUE);
            case 10 -> data.consumeDouble();
            case 11 -> List.of(data.consumeString(8));
            case 12 -> data.pickValue(EventType.values()).typeName();
            default -> data.pickValue(new String[] { "1.0", "2026-12-06T10:15:30Z", "1", "2", "HIGH", "/shop",
                    UUID.randomUUID().toString() });
        };
    }

    /** The attributes of the HTTP binary mode: ce-* headers, lower-cased and without the prefix. */
    static Map<String, String> http(FuzzedDataProvider data) {
        Map<String, String> attributes = new LinkedHashMap<>();
        int count = data.consumeInt(0, 12);
        for (int i = 0; i < count; i++) {
            String name = data.consumeBoolean() ? data.pickValue(ATTRIBUTES) : data.consumeString(12);
            attributes.put(name, data.consumeBoolean() ? amqpValue(data).toString() : data.consumeString(300));
        }
        return attributes;
    }

    /** A structured CloudEvent: raw bytes, or a sample's data in an envelope of fuzzed attributes. */
    static byte[] structured(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeBytes(4096);
        }
        Sample sample = data.pickValue(SAMPLES);
        StringBuilder json = new StringBuilder("{");
        for (String name : ATTRIBUTES) {
            if (data.consumeBoolean()) {
                json.append('"').append(name).append("\":").append(jsonValue(data, name, sample)).append(',');
            }
        }
        json.append("\"data\":").append(new String(mutated(sample.json(), data), StandardCharsets.UTF_8)).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String jsonValue(FuzzedDataProvider data, String name, Sample sample) {
        String text = switch (name) {
            case "specversion" -> "1.0";
            case "type" -> sample.type().typeName();
            case "schemaversion" -> Integer.toString(sample.version());
            default -> data.consumeString(40);
        };
        if (data.consumeBoolean()) {
            text = data.consumeString(40);
        }
        return data.consumeBoolean() ? Long.toString(data.consumeLong()) : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** One type's data at one version, from its sample, mutated. */
    static Event typesData(FuzzedDataProvider data) {
        Sample sample = data.pickValue(SAMPLES);
        int version = data.consumeBoolean() ? sample.version() : data.consumeInt(1, sample.type().schemaVersion());
        noNul(CODEC.readData(sample.type(), version, mutated(sample.json(), data)));
        return null;
    }

    static String contentType(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : data.consumeBoolean() ? null : data.consumeString(40);
    }

    static byte[] body(FuzzedDataProvider data) {
        return data.consumeBoolean() ? mutated(data.pickValue(SAMPLES).json(), data) : data.consumeBytes(2048);
    }

    /** The sample with a few edits at fuzzed places: bytes inserted, removed or overwritten. */
    static byte[] mutated(byte[] sample, FuzzedDataProvider data) {
        List<Byte> bytes = new ArrayList<>(sample.length + 16);
        for (byte b : sample) {
            bytes.add(b);
        }
        int edits = data.consumeInt(0, 4);
        for (int i = 0; i < edits && !bytes.isEmpty(); i++) {
            int at = data.consumeInt(0, bytes.size() - 1);
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    byte[] inserted = data.consumeBytes(16);
                    for (int j = inserted.length - 1; j >= 0; j--) {
                        bytes.add(at, inserted[j]);
                    }
                }
                case 1 -> bytes.subList(at, Math.min(bytes.size(), at + data.consumeInt(1, 16))).clear();
                default -> bytes.set(at, data.consumeByte());
            }
        }
        byte[] result = new byte[bytes.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = bytes.get(i);
        }
        return result;
    }

    /** What parking and the event store need of an accepted event: text PostgreSQL keeps, ids that fit their index. */
    static void storable(Event event) {
        if (event == null) {
            return;
        }
        for (String attribute : new String[] { event.id(), event.source(), event.subject(), event.correlationId(),
                event.causationId() }) {
            if (attribute != null && (attribute.length() > EventCodec.MAX_ATTRIBUTE_LENGTH
                    || attribute.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)))) {
                throw new AssertionError("accepted an attribute PostgreSQL or CloudEvents would not keep: " + attribute);
            }
        }
        noNul(event.data());
    }

    static void noNul(io.eventual.event.EventData data) {
        if (hasNul(JSON.valueToTree(data))) {
            throw new AssertionError("accepted data with a NUL, which no text column keeps");
        }
    }

    /** Whether a text value or a field name anywhere in {@code node} holds a NUL character (not the six characters \u0000). */
    static boolean hasNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0;
        }
        for (var fields = node.fields(); fields.hasNext();) {
            var field = fields.next();
            if (field.getKey().indexOf('\0') >= 0 || hasNul(field.getValue())) {
                return true;
            }
        }
        for (JsonNode element : node.isArray() ? node : List.<JsonNode> of()) {
            if (hasNul(element)) {
                return true;
            }
        }
        return false;
    }

    static Validator validator() {
        return Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory().getValidator();
    }

    /** Every sample of the contract (src/main/resources/contract/samples/{type}/{version}.json). */
    static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (int version = 1; version <= type.schemaVersion(); version++) {
                try (InputStream in = DecodeFuzzTest.class.getResourceAsStream("/contract/samples/" + type.typeName() + "/"
                        + version + ".json")) {
                    if (in != null) {
                        samples.add(new Sample(type, version, in.readAllBytes()));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return samples;
    }
}
