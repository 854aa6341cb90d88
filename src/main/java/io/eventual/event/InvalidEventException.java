package io.eventual.event;

import java.util.List;
import java.util.stream.Collectors;

/** An event (or request) that cannot be accepted, with the fields that are wrong. Nothing was processed. */
public class InvalidEventException extends RuntimeException {

    /** One wrong field: a dotted path such as {@code items[0].quantity}, or {@code null} for the whole input. */
    public record Violation(String field, String message) {
        @Override
        public String toString() {
            return field == null ? message : field + ": " + message;
        }
    }

    private final List<Violation> violations;

    public InvalidEventException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public InvalidEventException(String field, String message) {
        this(List.of(new Violation(field, message)));
    }

    public List<Violation> violations() {
        return violations;
    }
}
