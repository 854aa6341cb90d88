package io.eventual.inventory;

import static io.eventual.event.EventType.INVENTORY_ADJUST;
import static io.eventual.event.EventType.INVENTORY_RELEASE;
import static io.eventual.event.EventType.INVENTORY_RESERVE;
import static io.eventual.event.EventType.INVENTORY_RESTOCK;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventData;
import io.eventual.event.EventType;
import io.eventual.event.ItemQuantity;
import io.eventual.event.inventory.AdjustStock;
import io.eventual.event.inventory.InventoryFailed;
import io.eventual.event.inventory.InventoryReleased;
import io.eventual.event.inventory.InventoryReserved;
import io.eventual.event.inventory.ReleaseInventory;
import io.eventual.event.inventory.ReserveInventory;
import io.eventual.event.inventory.Restock;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.RejectedEventException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reserves all lines of an order or none, and releases them again; takes in restocks and stock adjustments. */
@ApplicationScoped
public class InventoryFunction implements EventFunction {

    static final String SOURCE = "/eventual/inventory";
    private static final Logger LOG = Logger.getLogger(InventoryFunction.class);
    private static final TypeReference<List<ItemQuantity>> LINES = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    InventoryFunction(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "inventory";
    }

    @Override
    public Map<EventType, EventHandler> handlers() {
        return Map.of(INVENTORY_RESERVE, this::reserve, INVENTORY_RELEASE, this::release,
                INVENTORY_RESTOCK, this::restock, INVENTORY_ADJUST, this::adjust);
    }

    void seed(@Observes StartupEvent ignored, InventoryConfig config, EventualConfig messaging, Pool pool) {
        if (!messaging.functions().contains(name()) || config.initialStock().isEmpty()) {
            return;
        }
        List<Tuple> rows = config.initialStock().entrySet().stream()
                .map(e -> Tuple.of(e.getKey(), e.getValue())).toList();
        pool.preparedQuery("insert into inventory_stock (sku, available, reserved, version) values ($1, $2, 0, 0) "
                + "on conflict (sku) do nothing").executeBatch(rows).await().indefinitely();
        LOG.infof("initial stock for %d SKU(s) ensured", rows.size());
    }

    Uni<List<Event>> restock(Event event) {
        Restock restock = (Restock) event.data();
        return change(restock.sku(), restock.quantity());
    }

    Uni<List<Event>> adjust(Event event) {
        AdjustStock adjust = (AdjustStock) event.data();
        return change(adjust.sku(), adjust.delta());
    }

    /** Adds {@code delta} to what can be promised of {@code sku} (a new SKU starts at zero); never below zero. */
    private Uni<List<Event>> change(String sku, int delta) {
        return StockItem.locked(List.of(sku)).chain(found -> {
            StockItem item = found.isEmpty() ? new StockItem() : found.get(0);
            int available = (found.isEmpty() ? 0 : item.available) + delta;
            if (available < 0) {
                throw new RejectedEventException("would leave " + sku + " with " + available + " available");
            }
            LOG.infof("%s: %+d, %d available", sku, delta, available);
            if (found.isEmpty()) {
                item.sku = sku;
                item.available = available;
                return item.persist().replaceWith(List.<Event> of());
            }
            item.available = available;
            return Uni.createFrom().item(List.<Event> of());
        });
    }

    Uni<List<Event>> reserve(Event event) {
        ReserveInventory command = (ReserveInventory) event.data();
        Map<String, Integer> wanted = command.items().stream()
                .collect(Collectors.toMap(ItemQuantity::sku, ItemQuantity::quantity, Integer::sum, LinkedHashMap::new));
        // A repeated command is answered from the order's reservation; only an empty answer needs to look for one.
        return StockItem.unlessReserved(wanted.keySet(), command.orderId()).chain(stock -> stock.isEmpty()
                ? Reservation.<Reservation> findById(command.orderId()).chain(existing -> existing != null
                        ? Uni.createFrom().item(outcome(existing))
                        : takeStock(command.orderId(), wanted, stock))
                : takeStock(command.orderId(), wanted, stock))
                .map(reply -> List.of(event.cause(SOURCE, reply)));
    }

    private Uni<EventData> takeStock(String orderId, Map<String, Integer> wanted, List<StockItem> stock) {
        Reservation reservation = Reservation.decide(orderId, wanted,
                stock.stream().collect(Collectors.toMap(s -> s.sku, s -> s.available)));
        if (reservation.status == Reservation.Status.FAILED) {
            return reservation.<Reservation> persist().map(this::outcome);
        }
        reservation.items = write(wanted.entrySet().stream().map(e -> new ItemQuantity(e.getKey(), e.getValue())).toList());
        return StockItem.take(wanted).chain(() -> reservation.<Reservation> persist()).map(this::outcome);
    }

    private EventData outcome(Reservation reservation) {
        return switch (reservation.status) {
            case RESERVED, RELEASED -> new InventoryReserved(reservation.orderId, lines(reservation));
            case FAILED -> new InventoryFailed(reservation.orderId, reservation.sku, reservation.reason);
            case VOIDED -> new InventoryFailed(reservation.orderId, "-", "order was cancelled before reservation");
        };
    }

    Uni<List<Event>> release(Event event) {
        ReleaseInventory command = (ReleaseInventory) event.data();
        return Reservation.<Reservation> findById(command.orderId()).chain(reservation -> {
            if (reservation == null) {
                Reservation voided = new Reservation();
                voided.orderId = command.orderId();
                voided.status = Reservation.Status.VOIDED;
                voided.reason = command.reason();
                voided.updatedAt = Instant.now();
                return voided.persist().replaceWith(new InventoryReleased(command.orderId(), List.of()));
            }
            return switch (reservation.status) {
                case RESERVED -> putBack(reservation, command.reason());
                case RELEASED -> Uni.createFrom().item(new InventoryReleased(reservation.orderId, lines(reservation)));
                case FAILED, VOIDED -> Uni.createFrom().item(new InventoryReleased(reservation.orderId, List.of()));
            };
        }).map(reply -> List.of(event.cause(SOURCE, reply)));
    }

    private Uni<InventoryReleased> putBack(Reservation reservation, String reason) {
        List<ItemQuantity> lines = lines(reservation);
        Map<String, Integer> held = lines.stream().collect(Collectors.toMap(ItemQuantity::sku, ItemQuantity::quantity, Integer::sum));
        return StockItem.putBack(held).map(ignored -> {
            reservation.status = Reservation.Status.RELEASED;
            reservation.reason = reason;
            reservation.updatedAt = Instant.now();
            return new InventoryReleased(reservation.orderId, lines);
        });
    }

    private List<ItemQuantity> lines(Reservation reservation) {
        try {
            return mapper.readValue(reservation.items, LINES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt reservation of order " + reservation.orderId, e);
        }
    }

    private String write(List<ItemQuantity> lines) {
        try {
            return mapper.writeValueAsString(lines);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
