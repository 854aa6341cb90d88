-- Background reads must not grow with the rows retention keeps (ended sagas and ledger rows 30 days, dedupe records 7).
-- Each index below was measured on a PostgreSQL 15 copy with 3 million ended sagas (README, "Months of rows").

-- The in-flight gauge counts sagas not yet ended every few seconds: an index of those alone. The full status index
-- served nothing else (and could not serve "not in").
drop index saga_status;
create index saga_in_flight on saga (status) where status not in ('COMPLETED', 'CANCELLED');

-- The retention job looks every 10 minutes for rows older than they are kept, and a round ends with a look that finds
-- none: without an index on the age that is a scan of the whole table. B-trees, not BRIN: once deleted rows' space
-- is reused by new ones, a BRIN range never narrows again and matches every reused page.
create index saga_ended on saga (updated_at) where status in ('COMPLETED', 'CANCELLED');
create index payment_age on payment (updated_at);
create index inventory_reservation_age on inventory_reservation (updated_at);
create index shipping_shipment_age on shipping_shipment (created_at);
create index idempotency_key_age on idempotency_key (created_at);
create index dead_letter_age on dead_letter (created_at);
drop index processed_event_age;
create index processed_event_age on processed_event (processed_at);
