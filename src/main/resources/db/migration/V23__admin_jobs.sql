-- Background admin jobs (a failure group's redrive or discard, a replay): their progress in a table, so that any
-- replica serving the admin API can answer GET /admin/jobs/{id}. The process that took the request runs the job and
-- updates its row after every round; a RUNNING row that stopped being updated belongs to a process that stopped.
create table admin_job (
    id          uuid primary key,
    kind        text not null,
    request     text not null,
    rate        int not null,
    total       bigint,
    state       text not null check (state in ('RUNNING', 'DONE', 'FAILED')),
    done        bigint not null default 0,
    error       text,
    started_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    ended_at    timestamptz
);
create index admin_job_age on admin_job (started_at);
-- The admin API (the trigger) writes them; retention (the store's processes) deletes the ended ones.
grant select, insert, update on admin_job to eventual_trigger;
grant select, delete on admin_job to eventual_store;
