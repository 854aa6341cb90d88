package io.eventual.shipping;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** The shipment of one order: at most one per order. */
@Entity
@Table(name = "shipping_shipment")
public class Shipment extends PanacheEntityBase {

    public enum Status {
        SCHEDULED,
        REJECTED
    }

    @Id
    @Column(name = "order_id")
    public String orderId;

    @Column(name = "shipment_id")
    public String shipmentId;

    public String country;

    @Enumerated(EnumType.STRING)
    public Status status;

    public String reason;

    @Column(name = "estimated_delivery")
    public LocalDate estimatedDelivery;

    @Column(name = "created_at")
    public Instant createdAt;

    /**
     * The shipping rule: an order to a country served is scheduled for delivery on {@code delivery}; any other is
     * refused, naming the country.
     */
    static Shipment book(String orderId, String country, Set<String> served, LocalDate delivery) {
        Shipment shipment = new Shipment();
        shipment.orderId = orderId;
        shipment.country = country;
        shipment.createdAt = Instant.now();
        if (served.contains(country)) {
            shipment.status = Status.SCHEDULED;
            shipment.shipmentId = UUID.randomUUID().toString();
            shipment.estimatedDelivery = delivery;
        } else {
            shipment.status = Status.REJECTED;
            shipment.reason = "no shipping to " + country;
        }
        return shipment;
    }
}
