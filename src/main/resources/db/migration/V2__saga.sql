create table saga (
    id             text primary key,
    saga           text not null,
    status         text not null,
    step           int not null,
    awaiting       text not null default '',
    compensated    text not null default '',
    reason         text,
    data           text not null,
    correlation_id text not null,
    history        text not null,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    version        bigint not null
);
create index saga_status on saga (status);
