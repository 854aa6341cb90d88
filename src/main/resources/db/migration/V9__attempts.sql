-- How many attempts it took a consumer to apply an event (1 when it worked the first time), for the order timeline.
alter table processed_event add column attempts int not null default 1;
