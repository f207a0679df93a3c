"""`dag.test()` of shopify_daily in embedded mode on SQLite metadata: every task succeeds,
the marts are built, the docs and the dashboard's refresh file are published, and a second
run of the same day changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from spoon.metrics import CORE_MONEY_COLUMNS

MONEY = CORE_MONEY_COLUMNS


def marts(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every mart, sorted: equal fingerprints mean equal marts."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in tables
        }


@pytest.fixture(scope="module")
def two_runs(driver: Any, workspace_env: dict[str, str]) -> dict[str, Any]:
    db = Path(workspace_env["SPOON_DUCKDB_PATH"])
    env = workspace_env | {"SPOON_DAG_RETRIES": "0"}  # dag.test() would sit out retry delays
    first = driver("test", env)
    after_first = marts(db) if db.exists() else {}
    files_first = sorted(p.name for p in Path(workspace_env["SPOON_LAKE_URL"]).rglob("*.parquet"))
    second = driver("test", env)
    return {
        "first": first,
        "second": second,
        "marts_first": after_first,
        "marts_second": marts(db),
        "files_first": files_first,
        "files_second": sorted(
            p.name for p in Path(workspace_env["SPOON_LAKE_URL"]).rglob("*.parquet")
        ),
    }


def test_every_task_succeeds(two_runs: dict[str, Any]) -> None:
    for run in ("first", "second"):
        result = two_runs[run]
        failed = {t: s for t, s in result["tasks"].items() if s != "success"}
        assert failed == {}, f"{run} run: {failed}"
        assert result["state"] == "success", result
        assert any(t.startswith("dbt.") for t in result["tasks"])
    print(
        f"dag.test() wall time: first {two_runs['first']['seconds']:.1f}s, "
        f"second {two_runs['second']['seconds']:.1f}s"
    )
    for run in ("first", "second"):
        per_task = two_runs[run].get("task_seconds", {})
        print(
            f"{run} run, seconds per task: "
            + ", ".join(f"{t} {s:.1f}" for t, s in per_task.items())
        )


def test_marts_are_built(two_runs: dict[str, Any]) -> None:
    tables = two_runs["marts_first"]
    assert {"fct_sales", "fct_orders", "rpt_daily_sales", "dim_customers"} <= set(tables)
    empty = sorted(name for name, rows in tables.items() if not rows)
    assert empty == []


def test_daily_report_sums_to_the_facts(
    workspace_env: dict[str, str], two_runs: dict[str, Any]
) -> None:
    cols = ", ".join(f"sum({c})" for c in MONEY)
    with duckdb.connect(workspace_env["SPOON_DUCKDB_PATH"], read_only=True) as con:
        daily = con.execute(f"select {cols} from marts.rpt_daily_sales").fetchone()
        facts = con.execute(f"select {cols} from marts.fct_sales").fetchone()
    assert daily == facts
    assert daily is not None and isinstance(daily[0], Decimal) and daily[0] > 0


def test_second_run_changes_nothing(two_runs: dict[str, Any]) -> None:
    assert two_runs["second"]["run_id"] != two_runs["first"]["run_id"]
    assert two_runs["files_second"] == two_runs["files_first"]  # nothing new to extract
    assert two_runs["marts_second"] == two_runs["marts_first"]


def test_docs_and_dashboard_refresh_are_published(
    workspace_env: dict[str, str], two_runs: dict[str, Any]
) -> None:
    page = Path(workspace_env["SPOON_DOCS_DIR"]) / "index.html"
    assert page.stat().st_size > 10_000 and "dbt" in page.read_text()[:5000].lower()
    stamp = json.loads(Path(workspace_env["SPOON_DASHBOARD_REFRESH_FILE"]).read_text())
    assert stamp["run_id"] == two_runs["second"]["run_id"]
    assert stamp["rows"]["fct_sales"] == len(two_runs["marts_second"]["fct_sales"])


def test_a_failing_shop_fails_its_own_task_and_says_which_shop(
    driver: Any, workspace_env: dict[str, str], tmp_path: Path
) -> None:
    """Two shops, the EU shop's lake holds another demo shop: its extract task fails, the
    US shop's succeeds, nothing downstream runs (no dbt: this run costs seconds)."""
    from spoon.orchestrate.steps import extract
    from spoon.settings import load_settings

    lake = tmp_path / "lake"
    (lake / "_state" / "demo").mkdir(parents=True)
    (lake / "_state" / "demo" / "shop_eu.json").write_text(
        json.dumps({"version": 1, "config": {"seed": 1}, "until": "2025-08-02", "sync_id": 1})
    )
    env = workspace_env | {
        "SPOON_LAKE_NAMESPACES": "shop_us,shop_eu",
        "SPOON_LAKE_URL": str(lake),
        "SPOON_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "SPOON_TRUTH_DIR": str(tmp_path / "truth"),
        "SPOON_DAG_RETRIES": "0",
    }
    result = driver("test", env)
    assert result["state"] == "failed"
    assert result["tasks"]["extract.shop_us"] == "success"
    assert result["tasks"]["extract.shop_eu"] == "failed"
    assert result["tasks"]["load"] == "upstream_failed"
    assert not (tmp_path / "warehouse.duckdb").exists()
    settings = load_settings(
        lake_namespaces="shop_us,shop_eu", lake_url=str(lake), truth_dir=tmp_path / "truth"
    )
    with pytest.raises(Exception, match=r"^shop shop_eu: the lake .* already holds a demo shop"):
        extract(settings=settings, shop="shop_eu", orders=1500, days=150, seed=7)
