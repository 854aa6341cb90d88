package io.eventual.messaging.amqp;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;

import io.eventual.event.EventCodec;
import io.eventual.event.InvalidEventException.Violation;

/**
 * The CloudEvents AMQP binding, binary mode: attributes as application properties. Incoming, both prefixes
 * ({@code cloudEvents:} and the JMS-compatible {@code cloudEvents_}) and, for every attribute, its native AMQP type or
 * its canonical string are read into the canonical string form the codec validates. Outgoing is strict and native where
 * the binding prefers it: {@code time} as an AMQP timestamp (eventual stamps its events to the millisecond, the
 * timestamp's precision; a finer time accepted from a producer is forwarded as its canonical string, which the binding
 * allows, so nothing is rounded), {@code schemaversion} (an Integer) as an AMQP long, every other attribute (String,
 * URI-reference) as an AMQP string, and {@code datacontenttype} as the message's content-type, not a property.
 */
public final class CloudEventsAmqp {

    static final String PREFIX = "cloudEvents:";
    static final String JMS_PREFIX = "cloudEvents_";
    private static final Set<String> INTEGERS = Set.of(EventCodec.SCHEMA_VERSION);
    private static final Set<String> TIMESTAMPS = Set.of("time");

    /** What was read off a message: canonical attributes, and the ones that could not be read. */
    public record Attributes(Map<String, String> values, List<Violation> problems) {
    }

    private CloudEventsAmqp() {
    }

    /** The application properties for {@code attributes} (canonical strings, no prefix). */
    static Map<String, Object> applicationProperties(Map<String, String> attributes) {
        Map<String, Object> properties = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            if (!name.equals("datacontenttype")) {
                properties.put(PREFIX + name, nativeValue(name, value));
            }
        });
        return properties;
    }

    /** The CloudEvents attributes among {@code properties}, under either prefix, in canonical string form. */
    public static Attributes attributes(Map<?, ?> properties) {
        Map<String, String> values = new LinkedHashMap<>();
        List<Violation> problems = new ArrayList<>();
        properties.forEach((key, value) -> {
            String name = attributeName(String.valueOf(key));
            if (name == null || value == null) {
                return;
            }
            String canonical = canonical(value);
            if (canonical == null) {
                problems.add(new Violation(name, "must be an AMQP string, boolean, long, binary or timestamp, "
                        + "or the canonical string form, was " + value.getClass().getSimpleName()));
                return;
            }
            String earlier = values.putIfAbsent(name, canonical);
            if (earlier != null && !earlier.equals(canonical)) {
                problems.add(new Violation(name, "sent as both " + PREFIX + name + " and " + JMS_PREFIX + name
                        + " with different values"));
            }
        });
        return new Attributes(values, problems);
    }

    private static String attributeName(String property) {
        for (String prefix : new String[] { PREFIX, JMS_PREFIX }) {
            if (property.startsWith(prefix) && property.length() > prefix.length()) {
                return property.substring(prefix.length());
            }
        }
        return null;
    }

    private static Object nativeValue(String name, String value) {
        try {
            if (INTEGERS.contains(name)) {
                return Long.parseLong(value);
            }
            if (TIMESTAMPS.contains(name)) {
                Instant time = OffsetDateTime.parse(value).toInstant();
                if (time.getNano() % 1_000_000 == 0) {
                    return Date.from(time);
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // not ours to judge here: forwarded as it came, the consumer's codec reports it
        }
        return value;
    }

    /** The canonical string of an AMQP value of a CloudEvents type (some relaxations: any integer, uuid, symbol). */
    private static String canonical(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Symbol || value instanceof UUID
                || value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof UnsignedLong || value instanceof UnsignedInteger || value instanceof UnsignedShort
                || value instanceof UnsignedByte) {
            return value.toString();
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof Binary binary) {
            return Base64.getEncoder().encodeToString(bytes(binary));
        }
        return null;
    }

    static byte[] bytes(Binary binary) {
        byte[] bytes = new byte[binary.getLength()];
        System.arraycopy(binary.getArray(), binary.getArrayOffset(), bytes, 0, binary.getLength());
        return bytes;
    }
}
