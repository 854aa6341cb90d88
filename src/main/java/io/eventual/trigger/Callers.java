package io.eventual.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.event.EventType;
import io.eventual.messaging.EventualConfig;
import io.eventual.trigger.admin.AdminConfig;

/**
 * Who is calling, from the {@code Authorization} header: the admin (HTTP basic with {@code eventual.admin.username} and
 * {@code password}, or {@code Bearer <eventual.admin.token>}), an outside service ({@code Bearer} one of
 * {@code eventual.producers.tokens}), or anyone (no header). A header that names nobody is refused, never read as
 * anonymous.
 */
@ApplicationScoped
public class Callers {

    public enum Caller {
        ADMIN,
        PRODUCER,
        ANONYMOUS
    }

    /** The admin's scheme, which makes a browser ask for the console's credentials. */
    static final String ADMIN_CHALLENGE = "Basic realm=\"eventual-admin\"";
    /** The producers' scheme. */
    static final String PRODUCER_CHALLENGE = "Bearer realm=\"eventual\"";

    /**
     * A caller without the credentials needed (401, with the scheme that would be accepted), or refused whoever it is
     * (403).
     */
    public static class Refused extends RuntimeException {
        final int status;
        final String challenge;

        Refused(int status, String challenge, String message) {
            super(message);
            this.status = status;
            this.challenge = challenge;
        }

        static Refused unauthorized(String challenge, String message) {
            return new Refused(401, challenge, message);
        }

        static Refused forbidden(String message) {
            return new Refused(403, null, message);
        }
    }

    private final AdminConfig admin;
    private final List<String> producerTokens;
    private final boolean anonymousOrders;

    Callers(AdminConfig admin, EventualConfig messaging) {
        this.admin = admin;
        this.producerTokens = messaging.producers().tokens().orElse(List.of());
        this.anonymousOrders = messaging.producers().anonymousOrders();
    }

    /**
     * That the caller may publish {@code type} over HTTP: anyone may place an order (unless
     * {@code eventual.producers.anonymous-orders} is off), the other types need a producer token or the admin's
     * credentials; {@link Refused} otherwise.
     */
    public void requirePublisher(String authorization, EventType type) {
        boolean anonymous = type == EventType.ORDER_PLACED && anonymousOrders;
        if (of(authorization) == Caller.ANONYMOUS && !anonymous) {
            throw Refused.unauthorized(PRODUCER_CHALLENGE, "publishing " + type + " needs a producer token "
                    + "(eventual.producers.tokens) or the admin's credentials"
                    + (type == EventType.ORDER_PLACED ? " (eventual.producers.anonymous-orders is off)" : ""));
        }
    }

    public Caller of(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Caller.ANONYMOUS;
        }
        if (basic(authorization).filter(this::isAdmin).isPresent()
                || bearer(authorization).filter(token -> admin.token().filter(t -> same(token, t)).isPresent()).isPresent()) {
            return Caller.ADMIN;
        }
        if (bearer(authorization).filter(token -> producerTokens.stream().anyMatch(t -> same(token, t))).isPresent()) {
            return Caller.PRODUCER;
        }
        throw Refused.unauthorized(authorization.regionMatches(true, 0, "Basic ", 0, 6) ? ADMIN_CHALLENGE : PRODUCER_CHALLENGE,
                "the credentials given are not valid");
    }

    /** The admin, or {@link Refused}: 401 without valid admin credentials, 403 when the admin API has none configured. */
    public void requireAdmin(String authorization) {
        if (admin.password().isEmpty() && admin.token().isEmpty()) {
            throw Refused.forbidden("the admin API is disabled: set eventual.admin.password or eventual.admin.token");
        }
        if (authorization == null || authorization.isBlank()) {
            throw Refused.unauthorized(ADMIN_CHALLENGE, "admin credentials required");
        }
        Caller caller;
        try {
            caller = of(authorization);
        } catch (Refused wrong) {
            throw Refused.unauthorized(ADMIN_CHALLENGE, wrong.getMessage());
        }
        if (caller != Caller.ADMIN) {
            throw Refused.unauthorized(ADMIN_CHALLENGE, "admin credentials required; a producer token does not open the admin API");
        }
    }

    private boolean isAdmin(String userAndPassword) {
        return admin.password().filter(password -> same(userAndPassword, admin.username() + ":" + password)).isPresent();
    }

    private static Optional<String> basic(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> bearer(String authorization) {
        return authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.of(authorization.substring(7).trim())
                : Optional.empty();
    }

    /** Compares in constant time, so that timing tells nothing about how much of a secret was right. */
    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
