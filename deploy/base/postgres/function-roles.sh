#!/bin/sh
# First start of the in-cluster database: a login role per function process, with the password from that function's
# Secret. The migration (Job eventual-migrate) grants each role its tables. To rotate a password later:
#   ALTER ROLE eventual_<function> PASSWORD '...'  (then update the function's Secret and restart it).
set -e
for function in trigger saga payment inventory shipping; do
  password=$(eval "printf '%s' \"\$$(echo "${function}" | tr a-z A-Z)_DB_PASSWORD\"")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v role="eventual_${function}" \
       -v password="${password}" <<'SQL'
create role :"role" login password :'password';
SQL
done
