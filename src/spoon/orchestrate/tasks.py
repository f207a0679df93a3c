"""What each task of `shopify_daily` does. Plain functions (no Airflow): the DAG wraps them.

Every step is safe to re-run for the same day: extract is bounded by the run's local date,
the loader and Snowpipe load a file at most once, dbt rebuilds the same figures and the
publish steps replace their output atomically.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from spoon.errors import SpoonError
from spoon.files import atomic_write
from spoon.settings import Settings, load_settings

MARTS_SCHEMA = "marts"  # dbt's marts/ folder builds into this schema


def local_day(moment: datetime, timezone: str) -> date:
    """The shop-local calendar day of an aware datetime (a run's `run_after`)."""
    if moment.tzinfo is None:
        raise ValueError("local_day needs an aware datetime")
    return moment.astimezone(ZoneInfo(timezone)).date()


def extract(until: date, settings: Settings | None = None, namespace: str | None = None) -> str:
    """Embedded extract (demo shop or PyAirbyte) of everything up to `until`, of every shop
    or only the shop `namespace` (its own task: its failure names it)."""
    from spoon.orchestrate import steps as pipeline

    s = settings or load_settings()
    if s.source == "airbyte":
        raise SpoonError("SPOON_SOURCE=airbyte is extracted by Airbyte's own operator")
    return pipeline.extract(until=until, settings=s, shop=namespace).detail


def airbyte_connection_id(settings: Settings | None = None, namespace: str | None = None) -> str:
    """The id of the shop's Airbyte connection (default shop: SPOON_AIRBYTE_CONNECTION_NAME,
    others `<it>-<namespace>`)."""
    from spoon.extract.airbyte.sync import connection_id

    return connection_id(settings, namespace)


def load(settings: Settings | None = None) -> str:
    """Embedded: the loader. Production: wait for Snowpipe to load the files expected."""
    from spoon.orchestrate import steps as pipeline

    return pipeline.load(settings=settings).detail


def source_freshness(settings: Settings | None = None) -> str:
    from spoon.orchestrate import steps as pipeline

    pipeline.dbt(["source", "freshness"], settings)
    return "sources are fresh"


def mart_row_counts(names: list[str], settings: Settings | None = None) -> dict[str, int]:
    """Rows of each mart in the warehouse dbt just built (DuckDB, or Snowflake as the
    transformer); a missing mart is an error."""
    s = settings or load_settings()
    if s.warehouse == "duckdb":
        import duckdb

        with duckdb.connect(str(s.duckdb_path), read_only=True) as con:
            return _count_marts(con.cursor(), "", MARTS_SCHEMA, names)
    from spoon import names as nm
    from spoon.setup.connection import connect_transformer

    database = nm.snowflake_names(s).analytics_db
    schema = MARTS_SCHEMA.upper()
    con = connect_transformer(s)
    try:
        upper = [n.upper() for n in names]
        counts = _count_marts(con.cursor(), database, schema, upper)
    finally:
        con.close()
    return {name: counts[name.upper()] for name in names}


def _count_marts(cur: Any, database: str, schema: str, tables: list[str]) -> dict[str, int]:
    """Count each table of `schema` (DB-API cursor); fail naming the tables that are missing."""
    catalog = f"{database}.information_schema" if database else "information_schema"
    cur.execute(f"select table_name from {catalog}.tables where table_schema = '{schema}'")
    present = {row[0] for row in cur.fetchall()}
    missing = sorted(set(tables) - present)
    if missing:
        where = f"{database}.{schema}" if database else schema
        raise SpoonError(
            f"marts missing in {where} after dbt: {', '.join(missing)}; see the dbt tasks"
        )
    counts: dict[str, int] = {}
    for table in tables:
        quoted = ".".join(f'"{part}"' for part in (database, schema, table) if part)
        cur.execute(f"select count(*) from {quoted}")
        row = cur.fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def publish_docs(settings: Settings | None = None) -> str:
    """`dbt docs generate --static`, published atomically as <SPOON_DOCS_DIR>/index.html."""
    from spoon.transform.docs import generate_static_docs

    return str(generate_static_docs(settings))


def refresh_dashboard(
    run_id: str, counts: dict[str, int] | None = None, settings: Settings | None = None
) -> str:
    """Rewrite the dashboard's refresh file: the dashboard drops its cache when it changes."""
    s = settings or load_settings()
    stamp = {
        "run_id": run_id,
        "refreshed_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "rows": counts or {},
    }
    data = json.dumps(stamp, indent=2, sort_keys=True).encode()
    out = Path(s.dashboard_refresh_file)
    atomic_write(out, data)  # 0644: the DAG's readers see it whole
    return str(out)
