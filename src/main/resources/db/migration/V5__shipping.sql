create table shipping_shipment (
    order_id           text primary key,
    shipment_id        text,
    country            text not null,
    status             text not null,
    reason             text,
    estimated_delivery date,
    created_at         timestamptz not null
);
