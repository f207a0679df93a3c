"""The fault suite's helpers: workspaces of a small demo shop, copies of them, and
fingerprints that say whether two runs hold the same data.

A *mart fingerprint* is, per table of schema `marts`: its row count, the sum of each
decimal (money) column, and a hash of all its rows sorted (columns starting with `_`, such
as `_source_loaded_at`, are load bookkeeping and left out). Equal fingerprints mean no
record was lost or counted twice. A *raw fingerprint* does the same for the `raw` tables
(file name, Airbyte raw id and the record itself, not `_loaded_at`).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from support.workspace import Workspace
from support.workspace import make_workspace as _make_workspace

#: ~300 orders over 60 days: refunds, cancellations, discounts, gift cards all occur.
SMALL_SHOP = {
    "SPOON_DEMO_ORDERS": "300",
    "SPOON_DEMO_DAYS": "60",
    "SPOON_DEMO_SEED": "9",
    "SPOON_DEMO_START": "2025-08-01",
}


def make_workspace(root: Path, **extra: str) -> Workspace:
    """A workspace of the small shop under `root` (dbt's folders and HOME in it too)."""
    return _make_workspace(root, SMALL_SHOP, private_dbt=True, timeout=600, **extra)


def clone(src: Workspace, root: Path, *, warehouse: bool = True) -> Workspace:
    """A new workspace with a copy of `src`'s lake (and warehouse, unless told not to)."""
    ws = make_workspace(root)
    shutil.copytree(src.lake, ws.lake)
    if (src.root / "truth").exists():
        shutil.copytree(src.root / "truth", root / "truth")
    if warehouse:
        shutil.copy2(src.duckdb_path, ws.duckdb_path)
        wal = src.duckdb_path.with_name(src.duckdb_path.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, ws.duckdb_path.with_name(ws.duckdb_path.name + ".wal"))
    return ws


# ---- fingerprints ------------------------------------------------------------------------
@dataclass(frozen=True)
class TablePrint:
    rows: int
    money: tuple[tuple[str, Decimal], ...]
    digest: str


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_type = 'BASE TABLE' order by 1",
            [schema],
        ).fetchall()
    ]


def marts_fingerprint(ws: Workspace) -> dict[str, TablePrint]:
    out: dict[str, TablePrint] = {}
    with duckdb.connect(str(ws.duckdb_path), read_only=True) as con:
        for table in _tables(con, "marts"):
            cols = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            kept = [c for c, _ in cols if not c.startswith("_")]
            money = [c for c, t in cols if t.startswith("DECIMAL") and not c.startswith("_")]
            select = ", ".join(f'"{c}"' for c in kept)
            rows = con.execute(f"select {select} from marts.{table}").fetchall()
            sums = con.execute(
                f"select {', '.join(f'sum({c})' for c in money) or 'null'} from marts.{table}"
            ).fetchone()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            out[table] = TablePrint(
                len(rows),
                tuple(zip(money, sums or (), strict=False)) if money else (),
                digest,
            )
    return out


def raw_fingerprint(ws: Workspace) -> dict[str, Any]:
    """Per raw table: rows, distinct (file, raw id), hash of (file, raw id, record) sorted;
    plus the load history's loaded files (name, hash, rows)."""
    out: dict[str, Any] = {}
    with duckdb.connect(str(ws.duckdb_path), read_only=True) as con:
        for table in _tables(con, "raw"):
            if table == "_load_history":
                continue
            rows, distinct, digest = con.execute(
                f"""
                select count(*),
                       count(distinct (_file_name, _airbyte_raw_id)),
                       md5(string_agg(line, '\n' order by line))
                from (
                    select _file_name, _airbyte_raw_id,
                           _file_name || '|' || _airbyte_raw_id || '|'
                           || md5(cast(record as varchar)) as line
                    from raw."{table}"
                ) as t
                """
            ).fetchone()
            out[table] = (rows, distinct, digest)
        out["_load_history"] = con.execute(
            "select file_name, content_hash, rows from raw._load_history "
            "where status = 'loaded' order by 1, 2"
        ).fetchall()
    return out


def diff_prints(got: dict[str, Any], want: dict[str, Any]) -> str:
    """The tables whose fingerprints differ, for an assertion message."""
    lines = []
    for table in sorted(set(got) | set(want)):
        if got.get(table) != want.get(table):
            lines.append(f"{table}:\n  got  {got.get(table)}\n  want {want.get(table)}")
    return "\n".join(lines) or "equal"


def lake_listing(ws: Workspace) -> dict[str, str]:
    """Every file under the lake (state included) with its sha256."""
    return {
        str(p.relative_to(ws.lake)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(ws.lake.rglob("*"))
        if p.is_file()
    }


def tree_listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and mtime (to prove nothing was written)."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def error_lines(out: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in out.stderr.splitlines() if ln.strip()]


# ---- the clean run (conftest.baseline) ---------------------------------------------------
@dataclass
class Baseline:
    ws: Workspace
    marts: dict[str, TablePrint]
    raw: dict[str, Any]
    lake: dict[str, str]
