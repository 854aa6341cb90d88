-- A process publishes its outbox rows, and takes over those of its dead peers, with its own broker account. So a
-- function's role may write, change and delete only rows owned by processes running functions it is (a member of the
-- role of each: the trigger's role is the store's too): a compromised payment could otherwise insert a row that the
-- trigger's process publishes, or takes over, under the trigger's account (a forged shipping.schedule to shipping's
-- queue, say). Every role still reads every row (the backlog gauge counts them all). The schema owner, who migrates,
-- is not bound by these policies.
create function eventual_may_publish_as(owner text) returns boolean
    language sql stable
as $$
    select owner is not null and split_part(owner, '@', 1) <> '' and not exists (
        select 1 from unnest(string_to_array(split_part(owner, '@', 1), ',')) as f(function)
        where not exists (select 1 from pg_roles r where r.rolname = 'eventual_' || f.function
                          and pg_has_role(current_user, r.oid, 'member')))
$$;

alter table outbox enable row level security;
create policy outbox_read on outbox for select using (true);
create policy outbox_write on outbox for insert with check (eventual_may_publish_as(owner));
create policy outbox_change on outbox for update using (eventual_may_publish_as(owner)) with check (eventual_may_publish_as(owner));
create policy outbox_delete on outbox for delete using (eventual_may_publish_as(owner));
