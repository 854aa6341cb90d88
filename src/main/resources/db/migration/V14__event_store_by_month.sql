-- The event store by month: PostgreSQL range partitions on recorded_at (UTC months), so old months leave by dropping
-- a partition instead of deleting row by row (README "Retention"). A partitioned table can only enforce keys that
-- contain the partition key, so the old unique keys move: a stream's version lives in event_stream (one row per stream,
-- whose row lock orders appends to one stream while appends to different streams never wait), and the store skips an
-- event it recorded before by its dedupe record in processed_event, like every other consumer.
alter table event_store rename to event_store_unpartitioned;
alter index event_store_pkey rename to event_store_unpartitioned_pkey;
alter sequence event_store_position_seq owned by none;

create table event_store (
    position       bigint not null default nextval('event_store_position_seq'),
    stream_id      text not null,
    version        int not null,
    event_id       text not null,
    type           text not null,
    schema_version int not null,
    source         text not null,
    time           timestamptz not null,
    correlation_id text,
    causation_id   text,
    data           text not null,
    recorded_at    timestamptz not null default now(),
    transaction_id bigint not null default pg_current_xact_id()::text::bigint,
    primary key (position, recorded_at)
) partition by range (recorded_at);
alter sequence event_store_position_seq owned by event_store.position;
create index event_store_stream on event_store (stream_id, version);
create index event_store_transaction_position on event_store (transaction_id, position);
create index event_store_event on event_store (event_id);
-- Only a safety net: rows land here if a month's partition was not created in time, and move out when it is.
create table event_store_default partition of event_store default;

create table event_stream (
    stream_id  text primary key,
    version    int not null,
    updated_at timestamptz not null default now()
);
create index event_stream_age on event_stream (updated_at);

-- The functions below run as the owner: they resolve names in this schema only, never in a caller's temporary one.
select set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);

-- Creates the partition of the UTC month starting at month_start if it is missing, moving that month's rows out of
-- the default partition. SECURITY DEFINER: the store's role may call it without owning the table.
create function eventual_event_store_partition(month_start timestamp) returns boolean
language plpgsql security definer set search_path from current as $$
declare
    name text := 'event_store_' || to_char(month_start, 'YYYY_MM');
    lo timestamptz := date_trunc('month', month_start) at time zone 'UTC';
    hi timestamptz := (date_trunc('month', month_start) + interval '1 month') at time zone 'UTC';
begin
    perform pg_advisory_xact_lock(hashtext('eventual_event_store_partition'));
    if to_regclass(name) is not null then
        return false;
    end if;
    execute format('create table %I (like event_store including defaults including constraints)', name);
    execute format('with moved as (delete from event_store_default where recorded_at >= %L and recorded_at < %L returning *) '
                   'insert into %I select * from moved', lo, hi, name);
    execute format('alter table event_store attach partition %I for values from (%L) to (%L)', name, lo, hi);
    return true;
end $$;

-- Partitions for every month with rows in the default partition, this month and the next months_ahead.
create function eventual_event_store_partitions(months_ahead int) returns int
language plpgsql security definer set search_path from current as $$
declare
    created int := 0;
    month timestamp;
begin
    for month in
        select distinct date_trunc('month', recorded_at at time zone 'UTC') from event_store_default
        union
        select generate_series(date_trunc('month', now() at time zone 'UTC'),
                               date_trunc('month', now() at time zone 'UTC') + make_interval(months => months_ahead),
                               interval '1 month')
    loop
        if eventual_event_store_partition(month) then
            created := created + 1;
        end if;
    end loop;
    return created;
end $$;

-- Drops one month's partition of the event store (never the default one), after the caller archived it if asked to.
create function eventual_event_store_drop(partition text) returns void
language plpgsql security definer set search_path from current as $$
begin
    if partition !~ '^event_store_[0-9]{4}_[0-9]{2}$' or not exists (
            select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'event_store'::regclass and c.relname = partition) then
        raise exception 'not a month partition of event_store: %', partition;
    end if;
    execute format('drop table %I', partition);
end $$;
revoke all on function eventual_event_store_partition(timestamp), eventual_event_store_partitions(int),
    eventual_event_store_drop(text) from public;

-- Every month that has rows, this one and the next two.
select eventual_event_store_partition(m)
from generate_series(
        date_trunc('month', least(coalesce((select min(recorded_at) from event_store_unpartitioned), now()), now()) at time zone 'UTC'),
        date_trunc('month', now() at time zone 'UTC') + interval '2 months', interval '1 month') as m;

insert into event_store select * from event_store_unpartitioned;
insert into event_stream (stream_id, version, updated_at)
select stream_id, max(version), max(recorded_at) from event_store_unpartitioned group by stream_id;
-- Redeliveries of what was recorded lately are still recognised.
insert into processed_event (consumer, event_id, processed_at)
select 'store', event_id, recorded_at from event_store_unpartitioned where recorded_at > now() - interval '7 days'
on conflict do nothing;
drop table event_store_unpartitioned;

grant select, insert, update, delete on event_store, event_stream to eventual_store;
grant execute on function eventual_event_store_partitions(int), eventual_event_store_drop(text) to eventual_store;
