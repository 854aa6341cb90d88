create table inventory_stock (
    sku       text primary key,
    available int not null check (available >= 0),
    reserved  int not null check (reserved >= 0),
    version   bigint not null
);

create table inventory_reservation (
    order_id   text primary key,
    status     text not null,
    items      text not null,
    sku        text,
    reason     text,
    updated_at timestamptz not null,
    version    bigint not null
);
