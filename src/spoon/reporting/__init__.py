"""Reporting on the marts: read-only queries (DuckDB or Snowflake), KPI maths, caching.

The Streamlit dashboard (`dashboard/`, `spoon.reporting.ui`) shows what `Reporter` returns.
"""

from spoon.reporting.backends import (
    Backend,
    DuckDBBackend,
    ReportingError,
    Rows,
    SnowflakeBackend,
    WarehouseBusy,
    WarehouseMissing,
    connect,
)
from spoon.reporting.cache import QueryCache, data_version
from spoon.reporting.kpis import Kpi, Period, Totals, build_kpis
from spoon.reporting.service import Reporter

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
