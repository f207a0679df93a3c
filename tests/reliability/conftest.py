"""The fault suite's shared pieces: a clean run of a small demo shop, built once per session,
workspaces copied from it, and fingerprints that say whether two runs hold the same data.

A *mart fingerprint* is, per table of schema `marts`: its row count, the sum of each
decimal (money) column, and a hash of all its rows sorted (columns starting with `_`, such
as `_source_loaded_at`, are load bookkeeping and left out). Equal fingerprints mean no
record was lost or counted twice. A *raw fingerprint* does the same for the `raw` tables
(file name, Airbyte raw id and the record itself, not `_loaded_at`).

dbt builds cost ~30-45 s each here: the baseline is built once and every case copies it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

SPOON = str(Path(sys.executable).parent / "spoon")
#: ~300 orders over 60 days: refunds, cancellations, discounts, gift cards all occur.
SMALL_SHOP = {
    "SPOON_DEMO_ORDERS": "300",
    "SPOON_DEMO_DAYS": "60",
    "SPOON_DEMO_SEED": "9",
    "SPOON_DEMO_START": "2025-08-01",
}
MONEY = ("gross_sales", "discounts", "returns", "net_sales", "shipping", "taxes", "total_sales")


@dataclass
class Workspace:
    """A lake, a warehouse and dbt's own target/log folders under one root."""

    root: Path
    env: dict[str, str]

    @property
    def lake(self) -> Path:
        return Path(self.env["SPOON_LAKE_URL"])

    @property
    def duckdb_path(self) -> Path:
        return Path(self.env["SPOON_DUCKDB_PATH"])

    def stream_dir(self, stream: str) -> Path:
        return self.lake / "shopify" / stream

    def spoon(
        self, *args: str, check: bool = True, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(
            [SPOON, *args],
            env={**self.env, **extra_env},
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and out.returncode != 0:
            raise AssertionError(
                f"spoon {' '.join(args)} failed ({out.returncode}):\n"
                f"{out.stdout[-6000:]}\n{out.stderr[-3000:]}"
            )
        return out

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def make_workspace(root: Path, **extra: str) -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        {
            "SPOON_ENV_FILE": str(root / "none.env"),
            "SPOON_LAKE_URL": str(root / "lake"),
            "SPOON_DUCKDB_PATH": str(root / "warehouse.duckdb"),
            "SPOON_TRUTH_DIR": str(root / "truth"),
            # dbt writes its target/ and logs/ here, never into the checkout's dbt/
            "DBT_TARGET_PATH": str(root / "dbt-target"),
            "DBT_LOG_PATH": str(root / "dbt-logs"),
            "HOME": str(root),  # e.g. ~/.spoon/keys: nothing of the developer's
            **SMALL_SHOP,
            **extra,
        }
    )
    return Workspace(root, env)


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


# ---- the clean run -----------------------------------------------------------------------
@dataclass
class Baseline:
    ws: Workspace
    marts: dict[str, TablePrint]
    raw: dict[str, Any]
    lake: dict[str, str]


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """`spoon run` once on the small shop: the clean run every case compares against."""
    ws = make_workspace(tmp_path_factory.mktemp("reliability-baseline"))
    ws.spoon("run")
    marts = marts_fingerprint(ws)
    assert marts["fct_sales"].rows > 500 and marts["fct_orders"].rows > 250, marts
    kinds = dict(ws.query("select event_type, count(*) from marts.fct_sales group by 1"))
    for kind in ("sale", "return", "shipping_refund", "cancellation"):
        assert kinds.get(kind, 0) > 0, f"the small shop has no {kind} events: {kinds}"
    return Baseline(ws, marts, raw_fingerprint(ws), lake_listing(ws))


@pytest.fixture(scope="session")
def rel() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        MONEY=MONEY,
        SPOON=SPOON,
        make_workspace=make_workspace,
        clone=clone,
        marts_fingerprint=marts_fingerprint,
        raw_fingerprint=raw_fingerprint,
        diff_prints=diff_prints,
        lake_listing=lake_listing,
        tree_listing=tree_listing,
        error_lines=error_lines,
    )
