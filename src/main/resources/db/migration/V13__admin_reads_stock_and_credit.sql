-- The admin API (in the trigger's process) lists stock levels and credit accounts; it changes them only through
-- events that the inventory and payment functions apply.
grant select on inventory_stock, payment_account to eventual_trigger;
