#!/usr/bin/env bash
# Entry point of the dbt image: run dbt with the environment dbt/profiles.yml reads, resolved
# from the SPOON_* settings exactly as spoon.transform.env.dbt_profile_env resolves it for
# `spoon transform` and the Airflow DAG (tests/unit/compose/test_dbt_image.py runs both and
# compares them): the target (dev on DuckDB, prod on Snowflake), the Snowflake names with the
# environment's suffix (ANALYTICS_DEV, TRANSFORMER_DEV, ... so dev work never writes to
# production) and the transformer's key in SPOON_SNOWFLAKE_KEYS_DIR. The project and the
# profiles come from DBT_PROJECT_DIR / DBT_PROFILES_DIR (the image sets both).
#   docker compose run --rm dbt build -s fct_orders+
set -euo pipefail

warehouse="${SPOON_WAREHOUSE:-duckdb}"
target="${SPOON_DBT_TARGET:-}"
if [[ -z "$target" ]]; then
  if [[ "$warehouse" == duckdb ]]; then target=dev; else target=prod; fi
fi
export SPOON_DBT_TARGET="$target" SPOON_DBT_THREADS="${SPOON_DBT_THREADS:-2}"

if [[ "$warehouse" == duckdb || "$target" == dev ]]; then
  SPOON_DUCKDB_PATH="$(realpath -m "${SPOON_DUCKDB_PATH:-data/warehouse.duckdb}")"
  export SPOON_DUCKDB_PATH SPOON_DUCKDB_MEMORY_LIMIT="${SPOON_DUCKDB_MEMORY_LIMIT:-3GB}"
  mkdir -p "$(dirname "$SPOON_DUCKDB_PATH")"
fi

if [[ "$warehouse" == snowflake && ("$target" == prod || "$target" == ci) ]]; then
  # spoon.names.env_suffix: SPOON_SNOWFLAKE_ENV_SUFFIX when set (even empty), else none on
  # prod and _<ENV> elsewhere
  env="${SPOON_ENV:-dev}"
  if [[ -n "${SPOON_SNOWFLAKE_ENV_SUFFIX+set}" ]]; then
    sfx="$SPOON_SNOWFLAKE_ENV_SUFFIX"
  elif [[ "$env" == prod ]]; then
    sfx=""
  else
    sfx="_${env^^}"
  fi
  # spoon.names.snowflake_names / transformer_key_path
  user="${SPOON_SNOWFLAKE_USER:-SPOON_TRANSFORMER$sfx}"
  user="${user^^}"
  keys="${SPOON_SNOWFLAKE_KEYS_DIR:-~/.spoon/keys}"
  keys="${keys/#\~/$HOME}"
  key="${SPOON_SNOWFLAKE_PRIVATE_KEY_PATH:-${keys%/}/$user.p8}"
  raw_db="${SPOON_SNOWFLAKE_RAW_DATABASE:-RAW}"
  database="${SPOON_SNOWFLAKE_DATABASE:-ANALYTICS}"
  role="${SPOON_SNOWFLAKE_ROLE:-TRANSFORMER}"
  wh="${SPOON_SNOWFLAKE_WAREHOUSE:-TRANSFORMING}"
  export SPOON_SNOWFLAKE_USER="$user" \
    SPOON_SNOWFLAKE_ROLE="${role^^}$sfx" \
    SPOON_SNOWFLAKE_WAREHOUSE="${wh^^}$sfx" \
    SPOON_SNOWFLAKE_DATABASE="${database^^}$sfx" \
    SPOON_SNOWFLAKE_RAW_DATABASE="${raw_db^^}$sfx" \
    SPOON_SNOWFLAKE_PRIVATE_KEY_PATH="${key/#\~/$HOME}" \
    SPOON_SNOWFLAKE_PORT="${SPOON_SNOWFLAKE_PORT:-443}" \
    SPOON_SNOWFLAKE_PROTOCOL="${SPOON_SNOWFLAKE_PROTOCOL:-https}"
fi

exec "${SPOON_DBT_EXECUTABLE:-/opt/dbt-venv/bin/dbt}" "$@"
