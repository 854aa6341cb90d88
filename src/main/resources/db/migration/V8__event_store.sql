-- Every event that crossed the broker, once: streams (one per order) with versions, and a global position.
create table event_store (
    position       bigserial primary key,
    stream_id      text not null,
    version        int not null,
    event_id       text not null unique,
    type           text not null,
    schema_version int not null,
    source         text not null,
    time           timestamptz not null,
    correlation_id text,
    causation_id   text,
    data           text not null,
    recorded_at    timestamptz not null default now(),
    unique (stream_id, version)
);

-- A stream's folded state every N events, so loading it does not replay the whole stream.
create table event_snapshot (
    stream_id text not null,
    version   int not null,
    state     text not null,
    primary key (stream_id, version)
);

-- The order view (CQRS read model) and how far into the store each projection has read.
create table order_view (
    order_id        text primary key,
    status          text not null,
    customer_id     text,
    total           numeric(19, 4),
    currency        text,
    reason          text,
    last_event_type text not null,
    last_event_at   timestamptz not null,
    placed_at       timestamptz,
    updated_at      timestamptz not null
);
create index order_view_status on order_view (status, last_event_at);
create index order_view_customer on order_view (customer_id, last_event_at);

create table projection_checkpoint (
    name     text primary key,
    position bigint not null
);
insert into projection_checkpoint (name, position) values ('orders', 0);
