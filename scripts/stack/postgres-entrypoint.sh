#!/usr/bin/env bash
# First start: create the cluster, the user and the database from POSTGRES_*; then serve.
set -euo pipefail
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=${POSTGRES_USER}}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
if [[ ! -s "${PGDATA}/PG_VERSION" ]]; then
  pwfile="$(mktemp)"
  printf '%s' "${POSTGRES_PASSWORD}" > "${pwfile}"
  initdb -D "${PGDATA}" -U "${POSTGRES_USER}" --pwfile="${pwfile}" \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "${pwfile}"
  echo "host all all all scram-sha-256" >> "${PGDATA}/pg_hba.conf"
  pg_ctl -D "${PGDATA}" -o "-c listen_addresses=''" -w start >/dev/null
  if [[ "${POSTGRES_DB}" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 -U "${POSTGRES_USER}" -d postgres -q \
      -c "CREATE DATABASE \"${POSTGRES_DB}\" OWNER \"${POSTGRES_USER}\""
  fi
  pg_ctl -D "${PGDATA}" -m fast -w stop >/dev/null
fi
exec postgres -D "${PGDATA}" -c listen_addresses='*'
