-- A process publishes its outbox rows, and takes over those of its dead peers, with its own broker account. So a
-- function's role may write, change and delete only rows owned by processes of that function (the trigger's role is
-- the store's too): a compromised payment could otherwise insert a row that the trigger's process publishes, or takes
-- over, under the trigger's account (a forged shipping.schedule to shipping's queue, say). Every role still reads
-- every row (the backlog gauge counts them all). The schema owner, who migrates, is not bound by these policies; nor
-- is a role with BYPASSRLS, such as the one dev mode and the tests give a process that runs every function.
--
-- One constant pattern per role, rather than one policy that works out the caller's functions: eventual plans every
-- statement, and a policy with a subquery (even one run once per statement) made an outbox insert 35 % slower in
-- pgbench on PostgreSQL 15; these cost about 5 %.
alter table outbox enable row level security;
create policy outbox_read on outbox for select using (true);
create policy outbox_saga on outbox for all to eventual_saga using (owner like 'saga@%') with check (owner like 'saga@%');
create policy outbox_payment on outbox for all to eventual_payment
    using (owner like 'payment@%') with check (owner like 'payment@%');
create policy outbox_inventory on outbox for all to eventual_inventory
    using (owner like 'inventory@%') with check (owner like 'inventory@%');
create policy outbox_shipping on outbox for all to eventual_shipping
    using (owner like 'shipping@%') with check (owner like 'shipping@%');
create policy outbox_store on outbox for all to eventual_store using (owner like 'store@%') with check (owner like 'store@%');
