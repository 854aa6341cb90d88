package io.eventual.trigger.admin;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.EventData;
import io.eventual.event.Priority;
import io.eventual.event.inventory.AdjustStock;
import io.eventual.event.inventory.Restock;
import io.eventual.event.payment.SetCreditLimit;
import io.eventual.trigger.Publisher;
import io.eventual.trigger.ReadYourWrites;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Admin: stock and credit. Changes are catalogued events (inventory.restock, inventory.adjust,
 * payment.set-credit-limit), published through the outbox and applied once by the function that owns the data, and
 * recorded in the event store like every other event; the lists read the functions' tables.
 */
@AdminOnly
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class StockAndCreditResource {

    static final String SOURCE = "/eventual/admin";

    public record StockLevel(String sku, int available, int reserved) {
    }

    public record Account(String customerId, String currency, BigDecimal limit, BigDecimal charged) {
    }

    private final EventCodec codec;
    private final Publisher publisher;
    private final Pool pool;

    StockAndCreditResource(EventCodec codec, Publisher publisher, Pool pool) {
        this.codec = codec;
        this.publisher = publisher;
        this.pool = pool;
    }

    @Operation(summary = "Stock levels", description = "Every SKU: what can still be promised, and what is reserved for orders.")
    @GET
    @Path("admin/inventory")
    public Uni<List<StockLevel>> stock() {
        return pool.query("select sku, available, reserved from inventory_stock order by sku").execute()
                .map(rows -> map(rows, row -> new StockLevel(row.getString("sku"), row.getInteger("available"),
                        row.getInteger("reserved"))));
    }

    @Operation(summary = "Restock a SKU", description = "Publishes inventory.restock: {quantity, reason}.")
    @POST
    @Path("admin/inventory/{sku}/restock")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> restock(@PathParam("sku") String sku, byte[] body) {
        return publish(codec.read(body, Restock.class, "", json -> json.put("sku", sku)));
    }

    @Operation(summary = "Adjust a SKU's stock", description = "Publishes inventory.adjust: {delta, reason}; refused by inventory below zero.")
    @POST
    @Path("admin/inventory/{sku}/adjust")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> adjust(@PathParam("sku") String sku, byte[] body) {
        return publish(codec.read(body, AdjustStock.class, "", json -> json.put("sku", sku)));
    }

    @Operation(summary = "Credit accounts", description = "Each customer's limit and what is charged, per currency.")
    @GET
    @Path("admin/accounts")
    public Uni<List<Account>> accounts(@QueryParam("customerId") String customerId) {
        return pool.preparedQuery("select customer_id, currency, credit_limit, charged from payment_account "
                + "where $1::text is null or customer_id = $1 order by customer_id, currency").execute(Tuple.of(customerId))
                .map(rows -> map(rows, row -> new Account(row.getString("customer_id"), row.getString("currency"),
                        row.getBigDecimal("credit_limit"), row.getBigDecimal("charged"))));
    }

    @Operation(summary = "Set a credit limit", description = "Publishes payment.set-credit-limit: {currency, limit}.")
    @PUT
    @Path("admin/accounts/{customerId}/limit")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> limit(@PathParam("customerId") String customerId, byte[] body) {
        return publish(codec.read(body, SetCreditLimit.class, "", json -> json.put("customerId", customerId)));
    }

    private Uni<Response> publish(EventData data) {
        return publisher.publish(Event.first(SOURCE, data, Priority.NORMAL)).map(event -> ReadYourWrites.accepted(event).build());
    }

    private static <T> List<T> map(io.vertx.mutiny.sqlclient.RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        List<T> items = new ArrayList<>();
        rows.forEach(row -> items.add(mapper.apply(row)));
        return items;
    }
}
