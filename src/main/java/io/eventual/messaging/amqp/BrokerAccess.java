package io.eventual.messaging.amqp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import io.eventual.event.EventType;

/**
 * Who may do what on the broker, derived from the catalogue: the broker's security settings, one role per function.
 * A function may consume only its own queues and send only the types it emits; the store consumes its wildcard queue;
 * the trigger (the HTTP entrance, which also runs the admin API) sends the inbound types and redrives dead letters to
 * the queue that parked them ({@code address::queue}); outside producers send the inbound types and may subscribe to the outcomes; the operator
 * may do everything, management included. Nobody else may create or delete a queue or an address. The embedded broker
 * is configured from these rules and deploy/base/artemis/broker.xml is checked against them.
 */
public final class BrokerAccess {

    public static final String TRIGGER = EventType.Emitters.TRIGGER;
    public static final String STORE = "store";
    public static final String PRODUCER = "producer";
    public static final String OPERATOR = "operator";
    /** Where the broker itself parks messages it gave up on, and expired ones (eventual's dead letters are in PostgreSQL). */
    public static final String DEAD_LETTERS = "DLQ";
    public static final String EXPIRED = "ExpiryQueue";

    /** Artemis permission types, by their names in broker.xml. */
    public enum Permission {
        SEND("send"),
        CONSUME("consume"),
        BROWSE("browse"),
        CREATE_ADDRESS("createAddress"),
        DELETE_ADDRESS("deleteAddress"),
        CREATE_DURABLE_QUEUE("createDurableQueue"),
        DELETE_DURABLE_QUEUE("deleteDurableQueue"),
        CREATE_NON_DURABLE_QUEUE("createNonDurableQueue"),
        DELETE_NON_DURABLE_QUEUE("deleteNonDurableQueue"),
        MANAGE("manage"),
        VIEW("view"),
        EDIT("edit");

        private final String xmlName;

        Permission(String xmlName) {
            this.xmlName = xmlName;
        }

        public String xmlName() {
            return xmlName;
        }
    }

    /** The permissions on the addresses or queues {@code match} (an address, {@code address::queue}, or {@code #}). */
    public record Rule(String match, Map<Permission, SortedSet<String>> roles) {
    }

    private BrokerAccess() {
    }

    /** The rules, with outside producers allowed to publish {@code inbound} (the catalogue's inbound types by default). */
    public static List<Rule> rules(Set<EventType> inbound) {
        List<Rule> rules = new ArrayList<>();
        // The store's queue is on the wildcard address, which only the catch-all rule can match (Artemis matches
        // address::queue only for an exact rule, and '#' may only end a match): so the catch-all lets the store consume
        // and the trigger redrive there; every other address has a rule of its own.
        Rule everything = rule("#");
        grant(everything, Permission.CONSUME, STORE);
        grant(everything, Permission.SEND, TRIGGER);
        rules.add(everything);
        rules.add(rule(DEAD_LETTERS));
        rules.add(rule(EXPIRED));
        for (EventType type : EventType.values()) {
            Rule address = rule(type.typeName());
            grant(address, Permission.SEND, type.emitter());
            if (inbound.contains(type)) {
                grant(address, Permission.SEND, PRODUCER, TRIGGER);
            }
            if (type.consumers().isEmpty()) {
                // An outcome, published for the world: producers subscribe with a queue of their own, gone with the link.
                grant(address, Permission.CONSUME, PRODUCER);
                grant(address, Permission.CREATE_NON_DURABLE_QUEUE, PRODUCER);
                grant(address, Permission.DELETE_NON_DURABLE_QUEUE, PRODUCER);
            }
            rules.add(address);
            for (String consumer : type.consumers()) {
                Rule queue = rule(type.fqqn(consumer));
                grant(queue, Permission.CONSUME, consumer);
                grant(queue, Permission.SEND, TRIGGER);
                rules.add(queue);
            }
        }
        return rules;
    }

    /** The catalogue's default: outside producers publish the inbound types. */
    public static Set<EventType> defaultInbound() {
        Set<EventType> inbound = new java.util.HashSet<>();
        for (EventType type : EventType.values()) {
            if (type.inbound()) {
                inbound.add(type);
            }
        }
        return inbound;
    }

    /** Every role the rules name. */
    public static SortedSet<String> roles() {
        SortedSet<String> roles = new TreeSet<>(List.of(TRIGGER, STORE, PRODUCER, OPERATOR));
        for (EventType type : EventType.values()) {
            roles.add(type.emitter());
            roles.addAll(type.consumers());
        }
        return roles;
    }

    /** A rule granting the operator everything; most specific match wins in Artemis, so every rule repeats it. */
    private static Rule rule(String match) {
        Map<Permission, SortedSet<String>> roles = new EnumMap<>(Permission.class);
        for (Permission permission : Permission.values()) {
            roles.put(permission, new TreeSet<>(Set.of(OPERATOR)));
        }
        return new Rule(match, roles);
    }

    private static void grant(Rule rule, Permission permission, String... roles) {
        rule.roles().get(permission).addAll(List.of(roles));
    }
}
