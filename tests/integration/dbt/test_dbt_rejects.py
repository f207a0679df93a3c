"""Rejected records (DESIGN.md contract 4, issue 17): a raw record that cannot be typed is
never dropped or zeroed silently. The shop's two syncs (support.rawshop.us.SYNCS) plus a
few bad records beside them, built once by `spoon transform`: each bad record is in
audit.rejected_records with its field and reason, the marts are exactly the clean build's
(conftest.built_duckdb), and the transform says how many records it rejected."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from support.rawshop.bad import REJECTED, bad_syncs
from support.rawshop.raw import load_duckdb
from support.rawshop.runner import DBT, PROJECT, dbt_env
from support.rawshop.us import SHOP, SYNCS

CLI = "from spoon.cli import main; main()"
#: marts compared row for row with the clean build
MARTS = ("fct_orders", "fct_sales", "dim_customers", "rpt_daily_sales", "dim_shops")


@dataclass
class RejectsBuild:
    """The warehouse built from the syncs with bad records, and what `spoon transform` said."""

    db: Path
    stdout: str


def _spoon_transform(workdir: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`spoon transform [args]` on the warehouse `db`, as a user runs it."""
    env = dbt_env(
        workdir,
        SPOON_WAREHOUSE="duckdb",
        SPOON_DUCKDB_PATH=str(db),
        SPOON_DBT_PROJECT_DIR=str(PROJECT),
        SPOON_DBT_EXECUTABLE=str(DBT),
        SPOON_DBT_TARGET="dev",
        DBT_TARGET_PATH=str(workdir / "target"),
        PYTHONPATH=str(Path(__file__).resolve().parents[3] / "src"),
        COLUMNS="200",
    )
    return subprocess.run(
        [sys.executable, "-c", CLI, "transform", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def rejects_build(tmp_path_factory: pytest.TempPathFactory) -> RejectsBuild:
    """The shop with bad records, built once by `spoon transform` (one dbt build)."""
    workdir = tmp_path_factory.mktemp("dbt-rejects")
    db = workdir / "warehouse.duckdb"
    load_duckdb(db, [0, 1], bad_syncs())
    out = _spoon_transform(workdir, db)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-3000:]
    return RejectsBuild(db=db, stdout=out.stdout)


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


def test_each_bad_record_is_rejected_with_its_field_and_reason(
    rejects_build: RejectsBuild,
) -> None:
    rows = _rows(
        rejects_build.db,
        "select shop, stream, record_id, field, reason, _file_name, _airbyte_raw_id"
        " from audit.rejected_records",
    )
    assert {r[1:5] for r in rows} == REJECTED
    assert len(rows) == len(REJECTED)
    assert {r[0] for r in rows} == {"shopify"}
    # each row names the raw row it stands for
    for _, stream, _, _, _, file_name, raw_id in rows:
        assert file_name == f"shopify/{stream}/2025_05_01_0_0.parquet"
        assert raw_id.startswith(f"s0-{stream}-")


def test_no_bad_record_reaches_staging_and_the_marts_equal_a_clean_build(
    rejects_build: RejectsBuild, built_duckdb: Path
) -> None:
    db = rejects_build.db
    rejected = {r[0] for r in _rows(db, "select _airbyte_raw_id from audit.rejected_records")}
    staged = ("orders", "order_versions", "customers", "order_refunds")
    for model in (f"stg_shopify__{name}" for name in staged):
        held = {r[0] for r in _rows(db, f"select _airbyte_raw_id from staging.{model}")}
        assert not held & rejected, model
    assert not _rows(db, "select 1 from staging.stg_shopify__orders where order_id > 9000")
    # the good order whose nulled `note` nobody reads is no reject
    assert _rows(
        db,
        "select 1 from staging.stg_shopify__order_versions where _airbyte_raw_id = 's0-orders-1'",
    )
    for mart in MARTS:
        sql = f"select * from marts.{mart}"
        assert _rows(db, sql) == _rows(built_duckdb, sql), mart


def test_transform_says_how_many_records_it_rejected(rejects_build: RejectsBuild) -> None:
    assert (
        "9 records rejected: customers 1, order_refunds 1, orders 7 (audit.rejected_records)"
        in (rejects_build.stdout)
    )
    # dbt's own warning names the test
    assert "no_rejected_records" in rejects_build.stdout


def _copy_with(rejects_build: RejectsBuild, tmp_path: Path, *raw: tuple[str, dict, str]) -> Path:
    """A copy of the module's warehouse with raw records (stream, record, shop) added."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(rejects_build.db, db)
    with duckdb.connect(str(db)) as con:
        for n, (stream, rec, ns) in enumerate(raw):
            con.execute(
                f"insert into raw.{stream} values (?, ?, ?, ?, ?)",
                [
                    json.dumps(rec),
                    f"late-{stream}-{n}",
                    datetime(2025, 6, 1),
                    f"{ns}/{stream}/2025_06_01_0_0.parquet",
                    datetime(2025, 6, 1, 1),
                ],
            )
    return db


def _error_line(out: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in out.stderr.splitlines() if ln.startswith("error:")]
    assert out.returncode == 1 and len(lines) == 1, out.stdout[-3000:] + out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    return lines[0]


def test_a_shop_without_its_settings_fails_the_build_instead_of_using_utc(
    rejects_build: RejectsBuild, tmp_path: Path
) -> None:
    """On a copy of the module's warehouse: `shopify`'s shop record now names a time zone
    that does not exist, and orders arrive from a namespace `shop_x` that has no shop
    record. Only those few nodes are rebuilt (one small dbt build); the one line names the
    test, each shop and its problem, and the fix."""
    mars = {**SHOP, "iana_timezone": "Mars/Olympus_Mons", "updated_at": "2025-06-01T00:00:00Z"}
    order = {**SYNCS[0]["orders"][0], "id": 7001}
    db = _copy_with(rejects_build, tmp_path, ("shop", mars, "shopify"), ("orders", order, "shop_x"))
    nodes = "stg_shopify__shop stg_shopify__orders int_shop assert_every_shop_has_its_settings"
    line = _error_line(_spoon_transform(tmp_path, db, "--select", nodes))
    assert line.startswith(
        "error: dbt build failed: test assert_every_shop_has_its_settings failed (2 failing rows)"
    ), line
    assert "shop=shop_x, iana_timezone=None, problem=no shop record" in line, line
    assert (
        "shop=shopify, iana_timezone=Mars/Olympus_Mons, problem=unknown time zone Mars/Olympus_Mons"
        in line
    ), line
    assert "Fix: sync the shop stream of that shop" in line, line
    with duckdb.connect(str(db), read_only=True) as con:
        # no UTC default: the shop without a record has no time zone at all
        zones = con.execute("select shop, iana_timezone from intermediate.int_shop").fetchall()
    assert sorted(zones) == [("shop_x", None), ("shopify", "Mars/Olympus_Mons")]


def test_an_order_in_another_currency_than_its_shops_fails_the_build(
    rejects_build: RejectsBuild, tmp_path: Path
) -> None:
    """Shopify's shop money is in the shop's currency: an order whose isn't (the shop's
    currency changed, or a namespace mix-up) would be summed as if it were. It is rejected,
    and the build stops with a line that names it."""
    eur = copy.deepcopy(SYNCS[0]["orders"][0])
    eur.update(id=9004, name="#9004")
    eur["total_price_set"]["shop_money"]["currency_code"] = "EUR"
    db = _copy_with(rejects_build, tmp_path, ("orders", eur, "shopify"))
    nodes = "audit_rejected_records assert_orders_are_in_their_shop_currency"
    out = _spoon_transform(tmp_path, db, "--select", nodes)
    line = _error_line(out)
    assert line.startswith(
        "error: dbt build failed: test assert_orders_are_in_their_shop_currency failed"
        " (1 failing row); first failing row: shop=shopify, stream=orders, record_id=9004,"
        " field=total_price_set.shop_money.currency_code,"
        " reason=currency EUR is not the shop's USD. Fix: the shop's currency changed"
    ), line
    rejected = _rows(db, "select stream, record_id, reason from audit.rejected_records")
    assert ("orders", "9004", "currency EUR is not the shop's USD") in rejected
