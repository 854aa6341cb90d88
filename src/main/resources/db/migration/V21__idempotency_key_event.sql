-- Read-your-writes (docs/http-api.md): a retried POST /orders answers with the position of the event the first request
-- published, so the key remembers that event's id. Keys written before this have none: their retries carry no position.
alter table idempotency_key add column event_id text;
