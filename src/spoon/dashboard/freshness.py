"""When data last landed in the warehouse and when the marts were last built.

The sidebar's freshness line and its stale-marts warning: the loader's history (DuckDB) or
the marts' lineage column, dbt's build log in the warehouse (audit.dbt_build_log), else
the nightly refresh file and Snowflake's LAST_ALTERED. Never the checkout's
`dbt/target/run_results.json`: that is whatever warehouse the checkout last built (a
benchmark, dev instead of prod), not necessarily this one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from spoon.dashboard.backends import MARTS_SCHEMA as M
from spoon.dashboard.backends import Backend, ReportingError, WarehouseMissing


@dataclass(frozen=True)
class Freshness:
    last_load: datetime | None
    last_build: datetime | None
    build_source: str  # where last_build came from
    #: the last build attempt, successful or not (audit.dbt_build_log only)
    last_attempt: datetime | None = None
    last_attempt_status: str | None = None

    def line(self) -> str:
        load = _when(self.last_load)
        build = _when(self.last_build)
        return f"Last successful load: {load} · last build: {build}"

    @property
    def stale(self) -> bool:
        """The last build failed after the last successful one: the marts are older."""
        return (
            self.last_attempt_status == "error"
            and self.last_attempt is not None
            and (self.last_build is None or self.last_attempt > self.last_build)
        )

    def stale_warning(self) -> str | None:
        if not self.stale:
            return None
        return (
            f"The marts are stale: the last build failed at {_when(self.last_attempt)}; "
            f"they show data as of the build at {_when(self.last_build)}."
        )


def freshness(db: Backend, *, refresh_file: Path | None = None) -> Freshness:
    """When data last landed in the warehouse and when the marts were last built."""
    last_load: datetime | None = None
    if db.name == "duckdb" and db.has_table("raw", "_load_history"):
        row = db.query(
            "select max(loaded_at) as at from raw._load_history where status = 'loaded'"
        ).first()
        last_load = row["at"] if row else None
    if last_load is None and db.has_table(M, "fct_orders"):
        try:  # the marts' own lineage column, when the model carries it
            row = db.query(f"select max(_source_loaded_at) as at from {M}.fct_orders").first()
            last_load = row["at"] if row else None
        except WarehouseMissing:
            raise
        except ReportingError:  # not part of the contract: freshness stays unknown
            last_load = None

    load = _naive(last_load) if last_load else None
    if db.has_table("audit", "dbt_build_log"):
        # the warehouse's own log (dbt on-run-end, macros/build_log.sql): this warehouse's
        # builds, not whatever the checkout's target/ last ran against
        ok = db.query(
            "select max(finished_at) as at from audit.dbt_build_log where status = 'success'"
        ).first()
        last = db.query(
            "select finished_at as at, status from audit.dbt_build_log "
            "order by finished_at desc limit 1"
        ).first()
        return Freshness(
            load,
            _naive(ok["at"]) if ok and ok["at"] else None,
            "warehouse build log",
            _naive(last["at"]) if last and last["at"] else None,
            str(last["status"]) if last else None,
        )

    candidates: list[tuple[datetime, str]] = []
    if db.name == "snowflake":
        row = db.query(
            "select max(last_altered) as at from information_schema.tables "
            "where lower(table_schema) = 'marts'"
        ).first()
        if row and row["at"]:
            candidates.append((_naive(row["at"]), "warehouse"))
    refreshed = _refresh_time(refresh_file) if refresh_file else None
    if refreshed:
        candidates.append((refreshed, "nightly run"))
    last_build, source = max(candidates) if candidates else (None, "unknown")
    return Freshness(load, last_build, source)


def _refresh_time(path: Path) -> datetime | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return _parse_time(data.get("refreshed_at"))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _naive(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _naive(value: datetime) -> datetime:
    """UTC, without tzinfo (how the warehouse stores load times)."""
    from datetime import UTC

    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _when(value: datetime | None) -> str:
    return "unknown" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"
