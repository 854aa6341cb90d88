-- Least privilege (README "Security"): a role per function, with DML on its own tables and on the messaging tables
-- every function shares (outbox, leases, processed events, dead letters), and nothing else: no function owns, alters,
-- drops or truncates a table; only the migration owner does. Roles are created without LOGIN unless they exist: the
-- platform gives each its password (ALTER ROLE ... LOGIN PASSWORD), and each function process logs in as its role.
do $$
declare
    role text;
begin
    foreach role in array array['eventual_messaging', 'eventual_trigger', 'eventual_store', 'eventual_saga',
                                'eventual_payment', 'eventual_inventory', 'eventual_shipping'] loop
        if not exists (select 1 from pg_roles where rolname = role) then
            execute format('create role %I nologin', role);
        end if;
    end loop;
end $$;

grant select, insert, update, delete on outbox, outbox_lease, processed_event, dead_letter to eventual_messaging;
grant usage on sequence outbox_position_seq, dead_letter_id_seq to eventual_messaging;
grant eventual_messaging to eventual_trigger, eventual_store, eventual_saga, eventual_payment, eventual_inventory,
    eventual_shipping;

grant select, insert, update, delete on saga to eventual_saga;
grant select, insert, update, delete on payment, payment_account to eventual_payment;
grant select, insert, update, delete on inventory_stock, inventory_reservation to eventual_inventory;
grant select, insert, update, delete on shipping_shipment to eventual_shipping;

-- The store records every event and keeps the order view; it gauges sagas in flight and ages out idempotency keys.
grant select, insert, update, delete on event_store, event_snapshot, order_view, projection_checkpoint to eventual_store;
grant usage on sequence event_store_position_seq to eventual_store;
grant select on saga to eventual_store;
grant select, delete on idempotency_key to eventual_store;

-- The trigger (HTTP) places orders once per idempotency key and reads orders back; its process also runs the store.
grant select, insert on idempotency_key to eventual_trigger;
grant select on saga to eventual_trigger;
grant eventual_store to eventual_trigger;
