-- Versioned flows (docs/flows.md): each saga runs on the version of the order flow it started on. Sagas before this
-- started on version 1, the flow without the fraud screen.
alter table saga add column flow_version int not null default 1;
