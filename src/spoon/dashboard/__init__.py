"""Reporting on the marts: read-only queries (DuckDB or Snowflake), KPI maths, caching.

The Streamlit dashboard shows what `Reporter` returns: `spoon.dashboard.shell` (navigation,
sidebar), `spoon.dashboard.pages` (one module a page), `spoon.dashboard.widgets` (what the
pages share); `dashboard/app.py` and `dashboard/views/` only call into them.
"""

from spoon.dashboard.backends import (
    Backend,
    DuckDBBackend,
    ReportingError,
    Rows,
    SnowflakeBackend,
    WarehouseBusy,
    WarehouseMissing,
    connect,
)
from spoon.dashboard.cache import QueryCache, data_version
from spoon.dashboard.kpis import Kpi, Period, Totals, build_kpis
from spoon.dashboard.service import Reporter

__all__ = [
    "Backend",
    "DuckDBBackend",
    "Kpi",
    "Period",
    "QueryCache",
    "Reporter",
    "ReportingError",
    "Rows",
    "SnowflakeBackend",
    "Totals",
    "WarehouseBusy",
    "WarehouseMissing",
    "build_kpis",
    "connect",
    "data_version",
]
