package io.eventual.trigger;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.eventual.trigger.admin.AdminConfig;
import io.eventual.trigger.admin.AdminOnly;

/**
 * Refuses a state-changing request sent by a browser on behalf of another site (cross-site request forgery): one to
 * an {@link AdminOnly} resource or carrying credentials, whose {@code Sec-Fetch-Site} says another site sent it (or,
 * from browsers that do not send it, whose {@code Origin} is not this server), unless that origin is one of
 * {@code eventual.admin.allowed-origins}. Browsers attach the
 * operator's cached basic credentials to any request to this host, whichever page makes it; they also always say where
 * a request came from, which a page cannot forge. Clients that are not browsers (curl, services) send neither header
 * and are not affected.
 */
public class CrossSiteRequests {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final List<String> allowed;

    CrossSiteRequests(AdminConfig config) {
        this.allowed = config.allowedOrigins().orElse(List.of()).stream().map(CrossSiteRequests::origin).toList();
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 1)
    public void refuse(ContainerRequestContext request, SimpleResourceInfo resource) {
        if (SAFE.contains(request.getMethod()) || !(adminOnly(resource) || request.getHeaderString(HttpHeaders.AUTHORIZATION) != null)) {
            return;
        }
        String origin = request.getHeaderString("Origin");
        String site = request.getHeaderString("Sec-Fetch-Site");
        // Sec-Fetch-Site is the browser's own verdict; browsers without it still send Origin on such requests.
        boolean sameOrigin = site != null ? site.equals("same-origin") || site.equals("none")
                : origin == null || origin(origin).equals(origin(request.getUriInfo().getBaseUri().toString()));
        if (!sameOrigin && (origin == null || !allowed.contains(origin(origin)))) {
            throw Callers.Refused.forbidden("cross-site request refused: " + (origin == null ? "Sec-Fetch-Site " + site
                    : "Origin " + origin) + " is not this server; allow an origin with eventual.admin.allowed-origins");
        }
    }

    private static boolean adminOnly(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return false;
        }
        if (resource.getResourceClass().isAnnotationPresent(AdminOnly.class)) {
            return true;
        }
        try {
            return resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes())
                    .isAnnotationPresent(AdminOnly.class);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** scheme://host:port, lower case, with the scheme's default port made explicit; "null" stays unmatched. */
    static String origin(String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "opaque:" + url;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return "opaque:" + url;
        }
    }
}
