-- Each function records the events it emits in the event store within the transaction that writes them to its outbox
-- (README "Event store"), instead of the store receiving a broker copy of each and recording it in a transaction of its
-- own: half of a saga's broker deliveries and a dedupe record per event go. The broker still copies to the store the
-- types outside producers may publish, and whatever the catalogue does not know.
--
-- Appends recordings (text of a JSON array of {stream_id, event_id, type, schema_version, source, time, correlation_id,
-- causation_id, data, dedupe}) in the order given, each at the end of its stream. A recording with dedupe set is skipped
-- when the store recorded its event id before (or records it twice here): those are the ones the store may also receive
-- from the broker. Each stream's head is bumped once, in stream order (two appends never wait on each other in a circle),
-- and its row lock holds other appends to that stream until this transaction ends. Returns what was stored.
-- SECURITY DEFINER: a function may append to the store through this, and neither read, change nor delete it.
select set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);

create function eventual_event_store_record(recordings text) returns setof event_store
language sql security definer set search_path from current as $$
    with input as (
        select * from rows from (jsonb_to_recordset(recordings::jsonb) as (stream_id text, event_id text, type text,
                schema_version int, source text, time timestamptz, correlation_id text, causation_id text, data text,
                dedupe boolean))
            with ordinality as t(stream_id, event_id, type, schema_version, source, time, correlation_id, causation_id,
                                 data, dedupe, n)),
    firsts as (select distinct on (event_id) * from input order by event_id, n),
    marked as (
        insert into processed_event (consumer, event_id, attempts)
        select 'store', event_id, 1 from firsts where dedupe on conflict do nothing returning event_id),
    fresh as (select f.* from firsts f where not f.dedupe or f.event_id in (select event_id from marked)),
    counts as (select stream_id, count(*)::int as added from fresh group by stream_id),
    heads as (
        insert into event_stream (stream_id, version) select stream_id, added from counts order by stream_id
        on conflict (stream_id) do update set version = event_stream.version + excluded.version, updated_at = now()
        returning stream_id, version),
    numbered as (
        select f.*, h.version - c.added + row_number() over (partition by f.stream_id order by f.n) as version
        from fresh f join counts c using (stream_id) join heads h using (stream_id))
    insert into event_store (stream_id, version, event_id, type, schema_version, source, time, correlation_id,
                             causation_id, data)
    select stream_id, version, event_id, type, schema_version, source, time, correlation_id, causation_id, data
    from numbered order by n
    returning *
$$;
revoke all on function eventual_event_store_record(text) from public;
grant execute on function eventual_event_store_record(text) to eventual_messaging;
