-- messaging.PipelinedPool sends COMMIT right behind a handler's row writes, without waiting for their answers. An
-- update that matched no row (Hibernate's versioned update after another transaction changed the row) raises no error
-- by itself, so the pool wraps it in a call of this function: the transaction then aborts in the database, and the
-- COMMIT behind it only rolls back. 40001 (serialization_failure): a lost race, retried like any other.
create function eventual_expect_one_row(changed bigint, target text) returns int
language plpgsql as $$
begin
    if changed <> 1 then
        raise exception 'stale write: % rows of % changed where 1 was expected (changed or removed by another transaction meanwhile)',
            changed, target using errcode = '40001';
    end if;
    return 1;
end $$;
