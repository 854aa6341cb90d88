-- Events waiting to be published; the relay deletes them once the broker has them.
create table outbox (
    position   bigserial primary key,
    event_id   text not null,
    type       text not null,
    subject    text,
    attributes text not null,
    data       text not null,
    created_at timestamptz not null default now()
);

-- Which consumer has applied which event: the effectively-once guarantee.
create table processed_event (
    consumer     text not null,
    event_id     text not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- Messages that could not be handled, kept with the reason.
create table dead_letter (
    id           bigserial primary key,
    consumer     text not null,
    queue        text not null,
    event_id     text,
    event_type   text,
    subject      text,
    reason       text not null,
    attempts     int not null,
    attributes   text not null,
    content_type text,
    body         text,
    created_at   timestamptz not null default now()
);
create index dead_letter_consumer_type on dead_letter (consumer, event_type);
