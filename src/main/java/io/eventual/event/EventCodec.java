package io.eventual.event;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Turns CloudEvents into {@link Event}s and back, for every protocol binding: AMQP application properties, HTTP
 * headers and structured JSON all reduce to a map of attributes plus the {@code data} bytes. Whatever is read is
 * validated; what cannot be accepted raises {@link InvalidEventException} naming the wrong attribute or field.
 */
@ApplicationScoped
public class EventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";
    public static final String STRUCTURED_JSON = "application/cloudevents+json";
    /** Extension attributes eventual adds to the CloudEvents core attributes. */
    public static final String SCHEMA_VERSION = "schemaversion";
    /** The CloudEvents Correlation extension's two attributes, by its names: optional, and never empty when present. */
    public static final String CORRELATION_ID = "correlationid";
    public static final String CAUSATION_ID = "causationid";
    public static final String PRIORITY = "priority";

    private final ObjectMapper mapper;
    private final Validator validator;

    public EventCodec(ObjectMapper mapper, Validator validator) {
        // Event data is a contract, the one its JSON Schemas publish: a number where a string or an object belongs is
        // an error, not something to coerce; a decimal is a number or a plain decimal string; a date is yyyy-mm-dd; unknown fields are
        // ignored, so producers may be ahead of us.
        this.mapper = mapper.copy()
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(new SimpleModule("decimals").addDeserializer(BigDecimal.class, new Decimals())
                        .addDeserializer(String.class, new TextWithoutNul()));
        this.mapper.configOverride(LocalDate.class).setFormat(JsonFormat.Value.forLeniency(false));
        this.mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        this.mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        this.validator = validator;
    }

    /** CloudEvents attributes (core and extensions, without any protocol prefix) for {@code event}. */
    public Map<String, String> attributes(Event event) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("specversion", SPEC_VERSION);
        a.put("id", event.id());
        a.put("source", event.source());
        a.put("type", event.type().typeName());
        a.put("subject", event.subject());
        a.put("time", event.time().toString());
        a.put("datacontenttype", JSON);
        a.put(SCHEMA_VERSION, Integer.toString(event.schemaVersion()));
        a.put(CORRELATION_ID, event.correlationId());
        if (event.causationId() != null) {
            a.put(CAUSATION_ID, event.causationId());
        }
        a.put(PRIORITY, event.priority().name());
        return a;
    }

    public byte[] data(Event event) {
        try {
            return mapper.writeValueAsBytes(event.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.type(), e);
        }
    }

    public String dataAsString(EventData data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + data.getClass().getSimpleName(), e);
        }
    }

    /** Binary content mode: attributes beside the data, whose media type is {@code contentType}. */
    public Event fromBinary(Map<String, String> attributes, String contentType, byte[] data) {
        if (contentType != null && !isJson(contentType)) {
            throw new InvalidEventException("datacontenttype", "must be " + JSON + ", was " + contentType);
        }
        return fromAttributes(attributes::get, data);
    }

    /** Structured content mode: one JSON object holding the attributes and {@code data}. */
    public Event fromStructured(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(utf8(body).orElseThrow(() -> new InvalidEventException(null, NOT_UTF8)));
        } catch (IOException e) {
            throw new InvalidEventException(null, "malformed JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(null, "a structured CloudEvent must be a JSON object");
        }
        ObjectNode event = (ObjectNode) root;
        String contentType = text(event, "datacontenttype");
        if (contentType != null && !isJson(contentType)) {
            throw new InvalidEventException("datacontenttype", "must be " + JSON + ", was " + contentType);
        }
        JsonNode data = event.get("data");
        if (data == null || data.isNull()) {
            throw new InvalidEventException("data", "must not be empty");
        }
        try {
            return fromAttributes(name -> text(event, name), mapper.writeValueAsBytes(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String NOT_UTF8 = "not UTF-8: JSON between systems must be UTF-8 (RFC 8259)";

    /**
     * The bytes as text if they are well-formed UTF-8. JSON is read from this text, never from bytes whose encoding a
     * parser guesses (a leading NUL byte would make it read UTF-16).
     */
    public static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Reads the data of {@code type} written at {@code version}, upcasts it to the current version and validates it. */
    public EventData readData(EventType type, int version, byte[] json) {
        return read(json, type.dataClass(), "data.", tree -> Upcasters.toCurrent(type, version, tree));
    }

    /** Reads JSON into {@code type} and validates it; fields in errors are prefixed with {@code fieldPrefix}. */
    public <T> T read(byte[] json, Class<T> type, String fieldPrefix) {
        return read(json, type, fieldPrefix, UnaryOperator.identity());
    }

    /** Like {@link #read(byte[], Class, String)}, reshaping a JSON object with {@code adapt} before binding it. */
    public <T> T read(byte[] json, Class<T> type, String fieldPrefix, UnaryOperator<ObjectNode> adapt) {
        T value;
        try {
            JsonNode tree = mapper.readTree(utf8(json).orElseThrow(() -> new InvalidEventException(
                    fieldPrefix.isEmpty() ? null : strip(fieldPrefix), NOT_UTF8)));
            value = mapper.treeToValue(tree instanceof ObjectNode object ? adapt.apply(object) : tree, type);
        } catch (JsonMappingException e) {
            String path = path(e.getPath());
            throw new InvalidEventException(path.isEmpty() ? (fieldPrefix.isEmpty() ? null : strip(fieldPrefix)) : fieldPrefix + path,
                    mappingProblem(e));
        } catch (StreamReadException e) {
            String path = e.getProcessor() == null ? "" : path(e.getProcessor().getParsingContext());
            String field = path.isEmpty() ? (fieldPrefix.isEmpty() ? null : strip(fieldPrefix)) : fieldPrefix + path;
            throw new InvalidEventException(field, e instanceof InputCoercionException
                    ? "number out of range" : "malformed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidEventException(fieldPrefix.isEmpty() ? null : strip(fieldPrefix),
                    "malformed JSON: " + firstLine(e.getMessage()));
        }
        if (value == null) {
            throw new InvalidEventException(fieldPrefix.isEmpty() ? null : strip(fieldPrefix), "must not be null");
        }
        return validated(value, fieldPrefix);
    }

    /** Bean-validates {@code value}; fields in errors are prefixed with {@code fieldPrefix}. */
    public <T> T validated(T value, String fieldPrefix) {
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations.stream()
                    .map(v -> new InvalidEventException.Violation(fieldPrefix + v.getPropertyPath(), v.getMessage()))
                    .sorted(Comparator.comparing(InvalidEventException.Violation::field))
                    .toList());
        }
        return value;
    }

    /** The longest id, source, subject, correlation or causation id accepted: each is kept in an indexed column. */
    public static final int MAX_ATTRIBUTE_LENGTH = 256;

    /**
     * An attribute's value as CloudEvents allows a String: no control characters (U+0000–U+001F, U+007F–U+009F), and
     * eventual keeps it to {@value #MAX_ATTRIBUTE_LENGTH} characters.
     */
    private static String attribute(Function<String, String> attributes, String name) {
        return attribute(name, attributes.apply(name));
    }

    /** {@code value} of the attribute {@code name} if CloudEvents and eventual accept it, else {@link InvalidEventException}. */
    public static String attribute(String name, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new InvalidEventException(name, "must be at most " + MAX_ATTRIBUTE_LENGTH + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) {
                throw new InvalidEventException(name, "must not contain control characters (found U+%04X at %d)".formatted((int) c, i));
            }
        }
        return value;
    }

    private Event fromAttributes(Function<String, String> given, byte[] data) {
        Function<String, String> attribute = name -> attribute(given, name);
        String specVersion = required(attribute, "specversion");
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new InvalidEventException("specversion", "must be " + SPEC_VERSION + ", was " + specVersion);
        }
        String id = required(attribute, "id");
        String source = required(attribute, "source");
        try {
            URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("source", "must be a URI-reference");
        }
        String typeName = required(attribute, "type");
        EventType type = EventType.of(typeName)
                .orElseThrow(() -> new InvalidEventException("type", "unknown event type '" + typeName + "'"));
        int schemaVersion = schemaVersion(attribute.apply(SCHEMA_VERSION), type);
        EventData payload = readData(type, schemaVersion, data);
        String subject = attribute.apply("subject");
        if (subject != null && !subject.equals(payload.subject())) {
            throw new InvalidEventException("subject", "must be " + payload.subject() + " (from the data)");
        }
        String correlationId = correlation(attribute, CORRELATION_ID);
        return new Event(id, type, source, payload.subject(), time(attribute.apply("time")), schemaVersion,
                correlationId == null ? id : correlationId, correlation(attribute, CAUSATION_ID),
                Priority.parse(attribute.apply(PRIORITY)), payload);
    }

    private static String correlation(Function<String, String> attribute, String name) {
        String value = attribute.apply(name);
        if (value != null && value.isEmpty()) {
            throw new InvalidEventException(name, "must not be empty when present (CloudEvents Correlation extension)");
        }
        return value;
    }

    private static int schemaVersion(String value, EventType type) {
        if (value == null) {
            // Publishers that predate versioning send none: read it as the first version, which upcasting tolerates.
            return 1;
        }
        try {
            int version = Integer.parseInt(value);
            if (version >= 1 && version <= type.schemaVersion()) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidEventException(SCHEMA_VERSION,
                "must be a schema version from 1 to " + type.schemaVersion() + " for " + type + ", was " + value);
    }

    /** The {@code time} attribute: now when absent (CloudEvents makes it optional), otherwise RFC 3339 or refused. */
    public static Instant time(String value) {
        if (value == null) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("time", "must be an RFC 3339 timestamp");
        }
    }

    /** PostgreSQL keeps no NUL in text, and no field of eventual's events needs one: refused like any invalid value. */
    private static final class TextWithoutNul extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            if (value != null && value.indexOf('\0') >= 0) {
                throw JsonMappingException.from(parser, "must not contain the NUL character (U+0000)");
            }
            return value;
        }
    }

    private static String required(Function<String, String> attribute, String name) {
        String value = attribute.apply(name);
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(name, "required CloudEvents attribute is missing");
        }
        return value;
    }

    private static String text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim();
        return mediaType.equalsIgnoreCase(JSON) || mediaType.toLowerCase().endsWith("+json");
    }

    /** Where a parser stopped, as a field path. */
    static String path(JsonStreamContext context) {
        java.util.LinkedList<String> segments = new java.util.LinkedList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                segments.addFirst("." + c.getCurrentName());
            } else if (c.inArray()) {
                segments.addFirst("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            }
        }
        String path = String.join("", segments);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String mappingProblem(JsonMappingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f) {
            return "cannot read '" + f.getValue() + "' as " + f.getTargetType().getSimpleName();
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null) {
            return "must be " + describe(m.getTargetType());
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String strip(String prefix) {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
