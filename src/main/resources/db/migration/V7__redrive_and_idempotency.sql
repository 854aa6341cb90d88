-- A redriven dead letter goes back to its own consumer's queue (address::queue), not to every subscriber.
alter table outbox add column address text;

-- POST /orders with an Idempotency-Key answers a retry with the order it created the first time.
create table idempotency_key (
    key          text primary key,
    request_hash text not null,
    order_id     text not null,
    created_at   timestamptz not null default now()
);
