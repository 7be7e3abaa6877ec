#!/usr/bin/env bash
# One database per service (architecture §1) and its owner and runtime roles (ADR 0026), on the first start of the
# compose PostgreSQL (docker-entrypoint-initdb.d). The passwords come from the postgres service's environment.
set -euo pipefail
for service in admission planning discharge billing; do
  upper=${service^^}
  psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE svu_$service"
  owner_password="${upper}_OWNER_PASSWORD"
  app_password="${upper}_APP_PASSWORD"
  psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "svu_$service" -v service="$service" -v db="svu_$service" \
    -v owner_password="${!owner_password}" -v app_password="${!app_password}" -f /svu/service-roles.sql
done
