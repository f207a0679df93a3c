"""What the DAG is made of, derived from the settings (no Airflow needed)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from spoon.errors import SettingsError, SpoonError
from spoon.orchestrate import config, tasks
from spoon.settings import load_settings


def manifest(tmp_path: Path) -> Path:
    def node(name: str, path: str, enabled: bool = True) -> dict[str, object]:
        return {
            "resource_type": "model",
            "name": name,
            "original_file_path": path,
            "config": {"enabled": enabled},
        }

    nodes = {
        "model.p.fct_sales": node("fct_sales", "models/marts/fct_sales.sql"),
        "model.p.rpt_geo": node("rpt_geo", "models/marts/reports/rpt_geo.sql"),
        "model.p.old": node("old", "models/marts/old.sql", enabled=False),
        "model.p.stg_orders": node("stg_orders", "models/staging/stg_orders.sql"),
        "test.p.unique": {"resource_type": "test", "name": "unique", "original_file_path": ""},
    }
    path = tmp_path / "target" / "manifest.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"nodes": nodes}))
    return path


@pytest.mark.parametrize(("at", "cron"), [("02:30", "30 2 * * *"), ("23:05", "5 23 * * *")])
def test_cron_for(at: str, cron: str) -> None:
    assert config.cron_for(at) == cron


def test_bad_schedule_time_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="SPOON_SCHEDULE_TIME='2:30' is invalid"):
        load_settings(schedule_time="2:30")


def test_mart_models_come_from_the_marts_folder(tmp_path: Path) -> None:
    assert config.mart_models(manifest(tmp_path)) == ["fct_sales", "rpt_geo"]


def test_dag_config_defaults_to_the_projects_manifest(tmp_path: Path) -> None:
    path = manifest(tmp_path)
    cfg = config.dag_config(load_settings(dbt_project_dir=tmp_path, dbt_manifest_path=""))
    assert cfg.dbt_manifest == path
    assert cfg.cron == "30 2 * * *" and cfg.timezone == "UTC"
    assert cfg.production_extract is False and cfg.max_active_tasks == 1
    assert cfg.dbt_env["SPOON_DUCKDB_PATH"].startswith("/")  # absolute: dbt runs elsewhere
    assert not any("PASSWORD" in k or "SECRET" in k for k in cfg.dbt_env)  # serialized in DAG


def test_missing_manifest_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SpoonError, match=r"no dbt manifest at .*make dbt-manifest"):
        config.dag_config(load_settings(dbt_project_dir=tmp_path))


def test_production_mode(tmp_path: Path) -> None:
    manifest(tmp_path)
    s = load_settings(dbt_project_dir=tmp_path, source="airbyte", warehouse="snowflake")
    cfg = config.dag_config(s)
    assert cfg.production_extract is True and cfg.max_active_tasks == 4
    assert cfg.dbt_target == "prod" and "SPOON_DUCKDB_PATH" not in cfg.dbt_env


def test_local_day_is_the_shops_calendar_day() -> None:
    moment = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # 22:00 the day before in Los Angeles
    assert tasks.local_day(moment, "America/Los_Angeles") == date(2026, 2, 28)
    assert tasks.local_day(moment, "Europe/Paris") == date(2026, 3, 1)
    with pytest.raises(ValueError):
        tasks.local_day(datetime(2026, 3, 1), "UTC")


def test_refresh_file_is_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "data" / "dashboard-refresh.json"
    s = load_settings(dashboard_refresh_file=target)
    tasks.refresh_dashboard("run-1", {"fct_sales": 3}, s)
    tasks.refresh_dashboard("run-2", {"fct_sales": 4}, s)
    stamp = json.loads(target.read_text())
    assert stamp["run_id"] == "run-2" and stamp["rows"] == {"fct_sales": 4}
    assert datetime.fromisoformat(stamp["refreshed_at"]).tzinfo is not None
    assert [p.name for p in target.parent.iterdir()] == ["dashboard-refresh.json"]


def test_mart_row_counts_on_duckdb(tmp_path: Path) -> None:
    """Counted in the `marts` schema only; a mart found elsewhere is named as missing."""
    import duckdb

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute("create table marts.fct_sales as select * from range(3)")
        con.execute("create table marts.dim_shops (id int)")
        con.execute("create table staging.rpt_growth as select 1 as id")
    s = load_settings(warehouse="duckdb", duckdb_path=path)
    assert tasks.mart_row_counts(["fct_sales", "dim_shops"], s) == {"fct_sales": 3, "dim_shops": 0}
    with pytest.raises(SpoonError, match=r"marts missing in marts after dbt: rpt_growth;"):
        tasks.mart_row_counts(["fct_sales", "rpt_growth"], s)
