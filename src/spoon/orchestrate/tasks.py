"""What each task of `shopify_daily` does. Plain functions (no Airflow): the DAG wraps them.

Every step is safe to re-run for the same day: extract is bounded by the run's local date,
the loader and Snowpipe load a file at most once, dbt rebuilds the same figures and the
publish steps replace their output atomically.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from spoon.errors import SpoonError
from spoon.files import atomic_write
from spoon.settings import Settings, load_settings


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
    """Rows of each mart (embedded warehouse); a missing mart is an error."""
    s = settings or load_settings()
    if s.warehouse != "duckdb":
        return {}  # dbt's tests on each model already ran against Snowflake
    import duckdb

    counts: dict[str, int] = {}
    with duckdb.connect(str(s.duckdb_path), read_only=True) as con:
        present = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = sorted(set(names) - present)
        if missing:
            raise SpoonError(f"marts missing after dbt: {', '.join(missing)}; see the dbt tasks")
        for name in names:
            row = con.execute(f'select count(*) from marts."{name}"').fetchone()
            counts[name] = int(row[0]) if row else 0
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
