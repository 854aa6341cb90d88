package io.eventual.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards {@code /admin} and the console ({@code /console}): HTTP basic ({@code eventual.admin.username}/{@code password}) or a bearer token
 * ({@code eventual.admin.token}). Nothing is configured by default outside dev and test, so a production deployment
 * has no admin API until it is given a secret. Every other endpoint needs no credentials.
 */
public class AdminAuthentication {

    private final AdminConfig config;

    AdminAuthentication(AdminConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/admin") && !path.startsWith("/admin/") && !path.equals("/console")) {
            return Optional.empty();
        }
        if (config.password().isEmpty() && config.token().isEmpty()) {
            return Optional.of(problem(Response.Status.FORBIDDEN,
                    "the admin API is disabled: set eventual.admin.password or eventual.admin.token"));
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && (matchesBasic(authorization) || matchesBearer(authorization))) {
            return Optional.empty();
        }
        Response unauthorized = problem(Response.Status.UNAUTHORIZED, "admin credentials required");
        return Optional.of(Response.fromResponse(unauthorized)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"eventual-admin\"").build());
    }

    private boolean matchesBasic(String authorization) {
        if (config.password().isEmpty() || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String expected = config.username() + ":" + config.password().get();
        try {
            return same(new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8),
                    expected);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean matchesBearer(String authorization) {
        return config.token().isPresent() && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && same(authorization.substring(7).trim(), config.token().get());
    }

    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Response problem(Response.Status status, String detail) {
        return Response.status(status).type(Problems.PROBLEM_JSON)
                .entity(Problems.problem(status.getStatusCode(), status.getReasonPhrase(), detail)).build();
    }
}
