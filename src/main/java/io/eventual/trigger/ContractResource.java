package io.eventual.trigger;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.eventual.contract.Contract;
import io.eventual.event.EventType;

/** The event contract for producers and consumers: the AsyncAPI document and the JSON Schema of every type and version. */
@Path("/")
public class ContractResource {

    public static final String SCHEMA_JSON = "application/schema+json";
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build());

    private final Contract contract;

    ContractResource(Contract contract) {
        this.contract = contract;
    }

    @Operation(summary = "AsyncAPI 3.0 document (YAML)", description = "Channels, operations and messages of every catalogued event.")
    @GET
    @Path("asyncapi.yaml")
    @Produces("application/yaml")
    public String asyncApiYaml() throws JsonProcessingException {
        return yaml(contract.asyncApi());
    }

    @Operation(summary = "AsyncAPI 3.0 document (JSON)")
    @GET
    @Path("asyncapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode asyncApiJson() {
        return contract.asyncApi();
    }

    @Operation(summary = "JSON Schema of an event type's data", description = "JSON Schema 2020-12 of the data of {type} at schema version {version}.")
    @GET
    @Path("schemas/{type}/{version}")
    @Produces(SCHEMA_JSON)
    public ObjectNode schema(@PathParam("type") String typeName, @PathParam("version") String version) {
        EventType type = EventType.of(typeName).orElseThrow(() -> new NotFoundException("no event type " + typeName));
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new NotFoundException("no schema version " + version + " of " + typeName);
        }
        return contract.schema(type, number).orElseThrow(() -> new NotFoundException("no schema version " + version
                + " of " + typeName + "; versions 1 to " + type.schemaVersion() + " exist"));
    }

    /** The YAML form of the document, as committed under docs/. */
    public static String yaml(ObjectNode document) throws JsonProcessingException {
        return YAML.writeValueAsString(document);
    }
}
