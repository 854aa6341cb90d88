-- Per-order parking (docs/guarantees.md, "An order waits behind its dead letter"): when a consumer gives up on one of
-- an order's events, the order's later events at that consumer wait behind it as dead letters of their own instead of
-- being applied around it, and go back one after the other once it is redriven or discarded. reason_class says why a
-- message was parked; failure groups are keyed by it:
--   invalid   not an event of the catalogue        (holds nothing: its subject is unchecked input)
--   rejected  the consumer refused it, e.g. a copy (holds nothing: the order is as it should be)
--   exhausted handling kept failing                 (holds its order)
--   held      waiting behind an earlier one         (holds its order)
--   released  sent back, not applied yet            (holds its order's events that are not released)
alter table dead_letter add column reason_class text;
update dead_letter set reason_class = case
    when reason like 'invalid event:%' then 'invalid'
    when reason like 'rejected:%' then 'rejected'
    else 'exhausted' end;
-- Processes of the build before this one park without a class (a rolling upgrade): the reason tells it.
create function eventual_dead_letter_class() returns trigger
language plpgsql as $$
begin
    if new.reason_class is null then
        new.reason_class := case when new.reason like 'invalid event:%' then 'invalid'
            when new.reason like 'rejected:%' then 'rejected' else 'exhausted' end;
    end if;
    return new;
end $$;
create trigger dead_letter_class before insert on dead_letter for each row execute function eventual_dead_letter_class();
alter table dead_letter alter column reason_class set not null;
alter table dead_letter add constraint dead_letter_reason_class
    check (reason_class in ('invalid', 'rejected', 'exhausted', 'held', 'released'));
create index dead_letter_holding on dead_letter (consumer, subject, id)
    where reason_class in ('exhausted', 'held', 'released');
create index dead_letter_released on dead_letter (consumer, event_id) where reason_class = 'released';

-- Failure groups (docs/operations.md, "Dead letters"): what happened to each parked event, kept across its dead
-- letters (a redriven event that fails again is a new dead letter with the same consumer and event id): every park
-- with its reason and attempts, every redrive, release and discard. Purged with the dead letters (retention).
create table dead_letter_history (
    id          bigserial primary key,
    consumer    text not null,
    event_id    text,
    at          timestamptz not null default now(),
    what        text not null check (what in ('parked', 'redriven', 'released', 'discarded')),
    reason      text,
    attempts    int
);
create index dead_letter_history_event on dead_letter_history (consumer, event_id);
create index dead_letter_history_age on dead_letter_history (at);
-- Groups are counted by consumer, type and class.
create index dead_letter_group on dead_letter (consumer, event_type, reason_class);

grant select, insert, delete on dead_letter_history to eventual_messaging;
grant usage on sequence dead_letter_history_id_seq to eventual_messaging;

-- Sends the first event held behind nothing any more back to its consumer's queue (through the outbox row of
-- {owner}), marked with the id of its dead letter, which stays as 'released' until the event is applied.
create function eventual_release_next(consumer text, subject text, owner text) returns void
language plpgsql as $$
#variable_conflict use_column
declare
    next dead_letter%rowtype;
begin
    if exists (select 1 from dead_letter d where d.consumer = $1 and d.subject = $2
            and d.reason_class in ('exhausted', 'released')) then
        return;
    end if;
    update dead_letter d set reason_class = 'released'
        where d.id = (select min(h.id) from dead_letter h where h.consumer = $1 and h.subject = $2 and h.reason_class = 'held')
        returning d.* into next;
    if found then
        insert into outbox (event_id, type, subject, attributes, data, address, owner)
            values (coalesce(next.event_id, ''), coalesce(next.event_type, ''), next.subject,
                    (next.attributes::jsonb || jsonb_build_object('eventualrelease', next.id::text))::text,
                    coalesce(next.body, ''), next.queue, $3);
        insert into dead_letter_history (consumer, event_id, what) values (next.consumer, next.event_id, 'released');
    end if;
end $$;

-- Called by the statement that marks an event applied (ProcessedEvents.INSERT): true, or SQLSTATE EVH01 naming the
-- dead letter the event waits behind, which fails its transaction, effects and all. An event sent back by a release
-- ({release}: its dead letter's id) passes unless its order has an exhausted dead letter, removes its dead letter and
-- releases the next; any other event of the order waits while the order has one. No extra round trip.
create function eventual_admit(consumer text, subject text, event_id text, release text, owner text) returns boolean
language plpgsql as $$
#variable_conflict use_column
declare
    released bigint;
    blocker bigint;
begin
    if subject is null then
        return true;
    end if;
    if release ~ '^[0-9]{1,18}$' then
        delete from dead_letter d where d.id = release::bigint and d.consumer = $1 and d.subject = $2
            and d.event_id = $3 and d.reason_class = 'released' returning d.id into released;
    end if;
    select min(d.id) into blocker from dead_letter d where d.consumer = $1 and d.subject = $2
        and d.reason_class in ('exhausted', 'held', 'released')
        and (released is null or d.reason_class = 'exhausted');
    if blocker is not null then
        raise exception 'held behind dead letter %', blocker using errcode = 'EVH01';
    end if;
    if released is not null then
        perform eventual_release_next($1, $2, $5);
    end if;
    return true;
end $$;
revoke all on function eventual_release_next(text, text, text), eventual_admit(text, text, text, text, text) from public;
grant execute on function eventual_release_next(text, text, text), eventual_admit(text, text, text, text, text)
    to eventual_messaging;
