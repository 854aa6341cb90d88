package io.eventual.trigger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;

import io.eventual.contract.Contract;
import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The examples of the HTTP API, kept out of the resources' signatures: a placed order from {@code openapi/}, and the
 * events of {@code POST /events} from the contract's own sample of order.placed (so they never drift from it).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiExamples implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Operation place = openAPI.getPaths().getPathItem("/orders").getPOST();
        example(place, "application/json", "order", resource("openapi/place-order.json"));
        place.getResponses().getAPIResponse("202").getContent().getMediaType("application/json").addExample("accepted",
                OASFactory.createExample().value("{\"orderId\":\"7c0e8f5e-2f51-4c1b-9a1e-0c6f7d2b9a10\",\"status\":\"ACCEPTED\"}"));

        EventType type = EventType.ORDER_PLACED;
        String data = resource(Contract.SAMPLES + type.typeName() + "/" + type.schemaVersion() + ".json").strip();
        Operation publish = openAPI.getPaths().getPathItem("/events").getPOST();
        example(publish, EventCodec.JSON, "binary mode data", data);
        example(publish, EventCodec.STRUCTURED_JSON, "structured mode", """
                {"specversion":"1.0","id":"3f0c1b7e-5a55-4f0e-9d8e-0c1f6f0a2b11","source":"/shop/checkout",
                 "type":"%s","datacontenttype":"application/json","schemaversion":"%d","data":%s}"""
                .formatted(type.typeName(), type.schemaVersion(), data));
    }

    private static void example(Operation operation, String mediaType, String name, String json) {
        operation.getRequestBody().getContent().getMediaType(mediaType).addExample(name, OASFactory.createExample().value(json));
    }

    private static String resource(String name) {
        try (InputStream in = ApiExamples.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
