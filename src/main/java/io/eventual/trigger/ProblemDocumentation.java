package io.eventual.trigger;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the RFC 9457 problem responses of every endpoint in one place, the way {@link Problems} produces them in
 * one place: 400 where input is read, 404 where an id is looked up, 401/403 on the admin API, 500 everywhere.
 */
public class ProblemDocumentation implements OASFilter {

    private static final String REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Schema violation = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        openAPI.getComponents().addSchema("Problem", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).example("about:blank"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING).example("Invalid request"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).example(400))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .example("items[0].quantity: must be greater than 0"))
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("the first wrong field, when one is to blame").example("items[0].quantity"))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(violation)));
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            boolean readsInput = operation.getRequestBody() != null
                    || (operation.getParameters() != null && !operation.getParameters().isEmpty());
            if (readsInput) {
                add(operation, "400", "The request is invalid; nothing was accepted");
            }
            if (path.contains("{")) {
                add(operation, "404", "No such resource");
            }
            if (path.startsWith("/admin")) {
                add(operation, "401", "Admin credentials are missing or wrong");
                add(operation, "403", "The admin API is disabled: no password or token is configured");
            }
            add(operation, "500", "Unexpected failure; nothing was accepted");
        }));
    }

    /** Sets the response, replacing a generic one Quarkus may have added (e.g. its own 400). */
    private static void add(Operation operation, String status, String description) {
        APIResponse response = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(Problems.PROBLEM_JSON,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(REF))));
        operation.getResponses().addAPIResponse(status, response);
    }
}
