-- Per-order parking (docs/operations.md, "Dead letters"): when a consumer gives up on one of an order's events, the
-- order's later events at that consumer wait behind it as dead letters of their own, in order, instead of being applied
-- around it. reason_class says why a message was parked and is what failure groups are keyed by:
--   invalid   not an event of the catalogue           (does not hold its order: the subject is unchecked input)
--   rejected  the consumer refused it, e.g. a copy      (does not hold: the order is as it should be)
--   exhausted handling kept failing                    (holds its order)
--   held      waiting behind an earlier dead letter   (holds its order)
alter table dead_letter add column reason_class text not null default 'exhausted';
update dead_letter set reason_class = case
    when reason like 'invalid event:%' then 'invalid'
    when reason like 'rejected:%' then 'rejected'
    else 'exhausted' end;
alter table dead_letter alter column reason_class drop default;
alter table dead_letter add constraint dead_letter_reason_class
    check (reason_class in ('invalid', 'rejected', 'exhausted', 'held'));
create index dead_letter_holding on dead_letter (consumer, subject, id) where reason_class in ('exhausted', 'held');

-- Called by the statement that marks an event applied (ProcessedEvents.INSERT), so an event of a held order fails its
-- transaction, effects and all, with SQLSTATE EVH01 naming the dead letter it waits behind; no extra round trip.
create function eventual_not_held(consumer text, subject text) returns boolean
language plpgsql stable as $$
declare
    blocker bigint;
begin
    select d.id into blocker from dead_letter d
        where d.consumer = eventual_not_held.consumer and d.subject = eventual_not_held.subject
          and d.reason_class in ('exhausted', 'held')
        order by d.id limit 1;
    if blocker is not null then
        raise exception 'held behind dead letter %', blocker using errcode = 'EVH01';
    end if;
    return true;
end $$;
revoke all on function eventual_not_held(text, text) from public;
grant execute on function eventual_not_held(text, text) to eventual_messaging;
