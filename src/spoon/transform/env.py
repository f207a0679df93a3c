"""The environment dbt's profiles.yml reads, from the settings: the one source of `spoon
transform`'s dbt environment and of the Airflow DAG's dbt tasks. Light on purpose (the DAG
file imports it at parse time): no subprocess, no dbt."""

from __future__ import annotations

from pathlib import Path

from spoon.settings import Settings

#: dbt's anonymous usage statistics off (the environment may still turn them on for the CLI)
NO_TRACKING = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}


def dbt_profile_env(settings: Settings) -> dict[str, str]:
    """The non-secret variables dbt's profiles.yml reads, from the settings (absolute paths:
    dbt runs from anywhere). The one source of `spoon transform`'s environment (`dbt_env`)
    and of the Airflow DAG's dbt tasks (serialized into the DAG: never a secret here)."""
    env = {
        "SPOON_DBT_TARGET": settings.target,
        "SPOON_DBT_THREADS": str(settings.dbt_threads),
    }
    if settings.warehouse == "duckdb" or settings.target == "dev":  # the DuckDB target
        env["SPOON_DUCKDB_PATH"] = str(Path(settings.duckdb_path).resolve())
        env["SPOON_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit
    if settings.dbt_schema:
        env["SPOON_DBT_SCHEMA"] = settings.dbt_schema
    if settings.warehouse == "snowflake" and settings.target in ("prod", "ci"):
        # names with the environment suffix (ANALYTICS_DEV, TRANSFORMER_DEV, ...), so dev
        # work never writes to production, and settings that live only in .env reach dbt
        from spoon.names import dbt_snowflake_env

        env.update({k: v for k, v in dbt_snowflake_env(settings).items() if v})
    return env
