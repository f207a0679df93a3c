"""Incremental fct_sales / fct_orders equal a full refresh after several nightly syncs."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from support.e2e import make_workspace
from support.workspace import Workspace

START = date(2025, 8, 1)
DAYS = 150


def _rows(ws: Workspace, table: str) -> list[tuple]:
    return sorted(ws.query(f"select * from marts.{table}"), key=repr)


def test_incremental_equals_full_refresh_after_appended_syncs(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "inc", SPOON_DEMO_START=START.isoformat())
    last = START + timedelta(days=DAYS - 1)
    # four nightly syncs: the history to day 120, then three later nights (late refunds
    # for old orders, cancellations and edits arrive as new versions of old records)
    untils = [last - timedelta(days=30), last - timedelta(days=20), last - timedelta(days=3), last]
    for until in untils:
        ws.spoon("extract", "--until", until.isoformat())
        ws.spoon("load")
        ws.spoon("transform")
    # the same files re-delivered under new names: counted once
    for path in sorted((tmp_path / "inc/lake/shopify/orders").glob("*.parquet"))[:2]:
        shutil.copy(path, path.with_name(path.name.replace("_0.parquet", "_9.parquet")))
    ws.spoon("load")
    ws.spoon("transform")
    incremental = {t: _rows(ws, t) for t in ("fct_sales", "fct_orders")}

    ws.spoon("transform", "--full-refresh")
    full = {t: _rows(ws, t) for t in ("fct_sales", "fct_orders")}
    assert len(full["fct_sales"]) > 1000
    for table in full:
        assert incremental[table] == full[table], table
