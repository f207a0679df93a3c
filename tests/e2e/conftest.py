"""An embedded pipeline run on a small demo shop, shared by the end-to-end tests."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

SPOON = str(Path(sys.executable).parent / "spoon")
MONEY = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "duties",
    "taxes",
    "total_sales",
    "tips",
)
SMALL_SHOP = {"SPOON_DEMO_ORDERS": "1500", "SPOON_DEMO_DAYS": "150", "SPOON_DEMO_SEED": "7"}


@dataclass
class Workspace:
    root: Path
    env: dict[str, str]

    @property
    def duckdb_path(self) -> Path:
        return Path(self.env["SPOON_DUCKDB_PATH"])

    @property
    def truth(self) -> Path:
        return Path(self.env["SPOON_TRUTH_DIR"]) / "daily_sales.csv"

    def spoon(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(
            [SPOON, *args], env=self.env, cwd=self.root, capture_output=True, text=True
        )
        if check and out.returncode != 0:
            raise AssertionError(
                f"spoon {' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
            )
        return out

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(sql).fetchall()


def make_workspace(root: Path, **extra: str) -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        {
            "SPOON_ENV_FILE": str(root / "none.env"),
            "SPOON_LAKE_URL": str(root / "lake"),
            "SPOON_DUCKDB_PATH": str(root / "warehouse.duckdb"),
            "SPOON_TRUTH_DIR": str(root / "truth"),
            **SMALL_SHOP,
            **extra,
        }
    )
    return Workspace(root, env)


@pytest.fixture(scope="session")
def eu_shop(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The same on the tax-inclusive EU demo shop (Europe/Berlin, EUR, VAT inside, export
    orders with duties, tips): 1,500 orders over 150 days."""
    ws = make_workspace(tmp_path_factory.mktemp("e2e-eu"), SPOON_DEMO_PROFILE="eu")
    ws.spoon("run")
    return ws


@pytest.fixture(scope="session")
def small_shop(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """extract -> load -> transform once on a small shop (1,500 orders over 150 days)."""
    ws = make_workspace(tmp_path_factory.mktemp("e2e"))
    ws.spoon("run")
    return ws


#: two demo shops in one warehouse: a US shop (seed 7, Los Angeles, USD) and the EU shop
#: (seed 8, Berlin, EUR, VAT included), each with its ground truth in <truth>/<shop>/
TWO_SHOPS = ("shop_us", "shop_eu")


@pytest.fixture(scope="session")
def two_shops(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """extract -> load -> transform once with SPOON_LAKE_NAMESPACES=shop_us,shop_eu (1,500
    orders over 150 days each)."""
    ws = make_workspace(
        tmp_path_factory.mktemp("e2e-shops"), SPOON_LAKE_NAMESPACES=",".join(TWO_SHOPS)
    )
    ws.spoon("run")
    return ws


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


@pytest.fixture()
def e2e() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        MONEY=MONEY,
        make_workspace=make_workspace,
        read_truth=read_truth,
        marts_fingerprint=marts_fingerprint,
        mart_digests=mart_digests,
        TWO_SHOPS=TWO_SHOPS,
    )
