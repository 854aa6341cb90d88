package io.eventual.trigger.admin;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.eventual.trigger.Callers;

/**
 * Guards what is {@link AdminOnly}: the admin API and the console need the admin's credentials ({@link Callers}).
 * Nothing is configured by default outside dev and test, so a production deployment has no admin API until it is given
 * a secret.
 */
public class AdminAuthentication {

    private final Callers callers;

    AdminAuthentication(Callers callers) {
        this.callers = callers;
    }

    @AdminOnly
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request) {
        callers.requireAdmin(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    }
}
