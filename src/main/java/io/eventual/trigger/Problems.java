package io.eventual.trigger;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.eventual.event.InvalidEventException;
import io.eventual.messaging.amqp.BrokerQueues;

/** Every HTTP error as an RFC 9457 problem document ({@code application/problem+json}). */
public class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(Problems.class);

    @ServerExceptionMapper
    public Response invalid(InvalidEventException e) {
        Map<String, Object> problem = problem(400, "Invalid request", e.getMessage());
        List<InvalidEventException.Violation> violations = e.violations();
        if (!violations.isEmpty() && violations.get(0).field() != null) {
            problem.put("field", violations.get(0).field());
        }
        problem.put("errors", violations);
        return response(problem);
    }

    @ServerExceptionMapper
    public Response notPublishable(EventResource.NotPublishable e) {
        Map<String, Object> problem = problem(403, "Forbidden", e.getMessage());
        problem.put("field", "type");
        return response(problem);
    }

    /** A 401 names the scheme that would be accepted: basic for the admin, which makes a browser ask for it. */
    @ServerExceptionMapper
    public Response refused(Callers.Refused e) {
        Response response = response(problem(e.status, Response.Status.fromStatusCode(e.status).getReasonPhrase(), e.getMessage()));
        return e.challenge == null ? response
                : Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, e.challenge).build();
    }

    @ServerExceptionMapper
    public Response orderExists(Publisher.OrderExists e) {
        Map<String, Object> problem = problem(409, "Conflict", e.getMessage());
        problem.put("field", "subject");
        return response(problem);
    }

    @ServerExceptionMapper
    public Response managementNotConfigured(BrokerQueues.NotConfigured e) {
        return response(problem(503, "Service Unavailable", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response violated(ConstraintViolationException e) {
        return invalid(new InvalidEventException(e.getConstraintViolations().stream()
                .map(v -> new InvalidEventException.Violation(lastNode(v.getPropertyPath()), v.getMessage()))
                .toList()));
    }

    private static String lastNode(jakarta.validation.Path path) {
        String name = null;
        for (jakarta.validation.Path.Node node : path) {
            name = node.getName();
        }
        return name;
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return response(problem(status, Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("request failed", e);
        return response(problem(500, "Internal Server Error", "the request could not be completed; nothing was accepted"));
    }

    static Map<String, Object> problem(int status, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", URI.create("about:blank"));
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }

    private static Response response(Map<String, Object> problem) {
        return Response.status((Integer) problem.get("status")).type(PROBLEM_JSON).entity(problem).build();
    }
}
