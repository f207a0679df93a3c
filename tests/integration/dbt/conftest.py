"""The dbt tests' fixtures: the hand-made shops of support.rawshop built once per session.

The shops' records, their loading into raw.* and the dbt runner live in support.rawshop
(the CI/CD tests build the same shop).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from support.rawshop.eu import EU_SYNCS
from support.rawshop.raw import MARKER, SHOPS, load_duckdb
from support.rawshop.runner import DbtRunner, duckdb_runner, fresh_warehouse


def _copy(path: Path, name: str) -> Path:
    """A copy of the warehouse at `path`, beside it, as it is now."""
    copy = path.with_name(name)
    shutil.copyfile(path, copy)
    return copy


@pytest.fixture(scope="session")
def duckdb_dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtRunner:
    """One dbt runner for every DuckDB test: the same profile and target path, so dbt
    parses the project once and re-parses only partially. Tests run one at a time and
    start from an empty warehouse file (`fresh_warehouse`)."""
    return duckdb_runner(tmp_path_factory.mktemp("dbt-duckdb"))


@pytest.fixture(scope="session")
def built_duckdb(duckdb_dbt: DbtRunner) -> Path:
    """Both syncs loaded, then one `dbt build` on DuckDB; returns a copy of the warehouse."""
    path = fresh_warehouse(duckdb_dbt)
    load_duckdb(path, [0, 1])
    duckdb_dbt("build")
    return _copy(path, "built.duckdb")


@pytest.fixture(scope="session")
def built_eu_duckdb(duckdb_dbt: DbtRunner) -> Path:
    """The tax-inclusive EU shop (EU_SYNCS) loaded and built once; a copy of the warehouse."""
    path = fresh_warehouse(duckdb_dbt)
    load_duckdb(path, [0], EU_SYNCS)
    duckdb_dbt("build")
    return _copy(path, "built_eu.duckdb")


@pytest.fixture(scope="session")
def built_shops(duckdb_dbt: DbtRunner) -> tuple[Path, Path]:
    """Three shops in one warehouse (SHOPS), built the way a nightly run builds them: the
    first sync of each, `dbt run`, then the second syncs (shopify's and shop_us') and an
    incremental `dbt build` (data tests on the three shops included); then a full refresh of
    the same raw rows. Before the second sync, every fct_sales row of shop_eu's order 2001
    and shopify's order 1004 gets the marker MARKER in event_at_local: the second sync does
    not touch them, so the incremental run must keep it. Returns copies of the warehouse
    after the incremental build and after the full refresh."""
    path = fresh_warehouse(duckdb_dbt)
    for shop, syncs in SHOPS.items():
        load_duckdb(path, [0], syncs, shop)
    duckdb_dbt("run")
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"update marts.fct_sales set event_at_local = {MARKER} where (shop, order_id) in"
            " (('shop_eu', 2001), ('shopify', 1004))"
        )
    for shop, syncs in SHOPS.items():
        if len(syncs) > 1:
            load_duckdb(path, [1], syncs, shop)
    duckdb_dbt("build", "--exclude-resource-type", "unit_test")
    incremental = _copy(path, "shops_incremental.duckdb")
    duckdb_dbt("run", "--full-refresh")
    full = _copy(path, "shops_full_refresh.duckdb")
    return incremental, full
