-- Step timeouts are stored with the saga, so they survive restarts.
alter table saga add column deadline timestamptz;
create index saga_deadline on saga (deadline) where deadline is not null;
