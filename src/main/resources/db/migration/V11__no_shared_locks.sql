-- Each process publishes the outbox rows it wrote (owner). A process renews a lease while it lives; the rows of an
-- owner without a live lease (a process that died or stopped) are taken over by another process.
alter table outbox add column owner text;
create index outbox_owner on outbox (owner, position);
create table outbox_lease (
    owner      text primary key,
    expires_at timestamptz not null
);

-- Appends no longer take a global lock, so positions may commit out of order. Readers follow (transaction_id, position)
-- and read only rows of transactions older than every transaction still running (the snapshot's xmin): those are all
-- committed or rolled back, so nothing can appear behind the reader later. Existing rows get this migration's id.
alter table event_store add column transaction_id bigint not null default pg_current_xact_id()::text::bigint;
create index event_store_transaction on event_store (transaction_id, position);
alter table projection_checkpoint add column transaction_id bigint not null default 0;
update projection_checkpoint set transaction_id = pg_current_xact_id()::text::bigint;

-- The retention job deletes old dedupe records by age; BRIN costs next to nothing on insert.
create index processed_event_age on processed_event using brin (processed_at);
