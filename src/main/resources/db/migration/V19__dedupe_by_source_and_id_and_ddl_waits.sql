-- CloudEvents identifies an event by source and id together: two producers may well use the same id. The duplicate
-- detector keyed on the id alone took the second producer's event for a duplicate and dropped it. Rows recorded
-- before this migration have no source (''): a redelivery of one of those, from the minutes around the upgrade, is
-- applied a second time, where the functions' own business keys (one charge, reservation, shipment per order) hold.
alter table processed_event add column source text not null default '';
alter table processed_event drop constraint processed_event_pkey,
    add constraint processed_event_pkey primary key (consumer, event_id, source);

-- Creating and dropping a month's partition takes a lock on event_store that waits behind every running reader, and
-- every writer queues behind the waiting DDL: for as long as a long report or a stuck transaction runs, the event
-- store would take no event. The DDL now gives up after 2 s; retention tries again at its next round.
alter function eventual_event_store_partition(timestamp) set lock_timeout = '2s';
alter function eventual_event_store_partitions(int) set lock_timeout = '2s';
alter function eventual_event_store_drop(text) set lock_timeout = '2s';
