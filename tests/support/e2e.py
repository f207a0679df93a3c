"""The end-to-end tests' shops and what they compare: the ground truth, and fingerprints and
digests of the marts."""

from __future__ import annotations

import csv
import hashlib
from decimal import Decimal
from pathlib import Path

from support.workspace import Workspace
from support.workspace import make_workspace as _make_workspace

#: a small demo shop: 1,500 orders over 150 days
SMALL_SHOP = {"SPOON_DEMO_ORDERS": "1500", "SPOON_DEMO_DAYS": "150", "SPOON_DEMO_SEED": "7"}
#: two demo shops in one warehouse: a US shop (seed 7, Los Angeles, USD) and the EU shop
#: (seed 8, Berlin, EUR, VAT included), each with its ground truth in <truth>/<shop>/
TWO_SHOPS = ("shop_us", "shop_eu")


def make_workspace(root: Path, **extra: str) -> Workspace:
    """A workspace of the small shop under `root`, with `extra` settings."""
    return _make_workspace(root, SMALL_SHOP, **extra)


def read_truth(path: Path) -> dict[str, dict[str, Decimal]]:
    with path.open() as fh:
        return {
            row["date_day"]: {k: Decimal(v) for k, v in row.items() if k != "date_day"}
            for row in csv.DictReader(fh)
        }


def marts_fingerprint(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of every mart, sorted: equal fingerprints mean equal marts."""
    tables = [
        r[0]
        for r in ws.query(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by 1"
        )
    ]
    return {t: sorted(ws.query(f"select * from marts.{t}"), key=repr) for t in tables}


#: columns a fingerprint leaves out: the shop (contract 4 adds it) and load-time stamps
UNSTABLE_COLUMNS = frozenset({"shop", "_source_loaded_at", "_loaded_at", "_dbt_loaded_at"})


def mart_digests(ws: Workspace, where: str = "") -> dict[str, dict[str, object]]:
    """Per mart: rows and a sha256 of its sorted rows (columns by name, values as text),
    without UNSTABLE_COLUMNS; equal digests mean equal marts whatever the column order."""
    out: dict[str, dict[str, object]] = {}
    columns = ws.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' order by table_name, column_name"
    )
    tables: dict[str, list[str]] = {}
    for table, column in columns:
        if column not in UNSTABLE_COLUMNS:
            tables.setdefault(table, []).append(column)
    for table, cols in sorted(tables.items()):
        select = ", ".join(f'"{c}"' for c in cols)
        rows = sorted(
            "\x1f".join("\x00" if v is None else str(v) for v in row)
            for row in ws.query(f"select {select} from marts.{table} {where}")
        )
        digest = hashlib.sha256("\x1e".join([",".join(cols), *rows]).encode()).hexdigest()
        out[table] = {"rows": len(rows), "sha256": digest}
    return out
