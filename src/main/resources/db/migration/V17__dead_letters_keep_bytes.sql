-- A message body that PostgreSQL cannot keep as text (a NUL byte, bytes that are not UTF-8) is parked as it came,
-- as bytes; body is then null. Before, parking such a message failed and it went back to the broker, for ever.
alter table dead_letter add column body_bytes bytea;
