"""The DAG file parses fast, cleanly, without heavy imports, and follows the DAG policy."""

from __future__ import annotations

from typing import Any

import pytest

#: Modules the DAG file must not import at parse time (they belong inside tasks).
HEAVY = (
    "duckdb",
    "pyarrow",
    "pandas",
    "polars",
    "numpy",
    "dbt",
    "snowflake.connector",
    "airbyte",
    "airbyte_api",
    "streamlit",
    "s3fs",
    "spoon.orchestrate.steps",
    "spoon.load.loader",
    "spoon.transform.runner",
    "spoon.extract.demo",
)


@pytest.fixture(scope="module")
def parsed(driver: Any, workspace_env: dict[str, str]) -> dict[str, Any]:
    return dict(driver("parse", workspace_env))


@pytest.fixture(scope="module")
def parsed_production(driver: Any, workspace_env: dict[str, str]) -> dict[str, Any]:
    env = workspace_env | {"SPOON_SOURCE": "airbyte", "SPOON_WAREHOUSE": "snowflake"}
    return dict(driver("parse", env))


def test_dagbag_has_no_import_errors(parsed: dict[str, Any]) -> None:
    assert parsed["import_errors"] == {}
    assert parsed["dag_ids"] == ["shopify_daily"]


def test_dag_parses_well_under_two_seconds(parsed: dict[str, Any]) -> None:
    assert parsed["parse_seconds"] < 2.0, parsed["parse_seconds"]


def test_dag_file_imports_nothing_heavy(parsed: dict[str, Any]) -> None:
    new = parsed["new_modules"]
    assert any(m.startswith("spoon.orchestrate") for m in new)  # the probe sees the DAG
    heavy = sorted(m for m in new for h in HEAVY if m == h or m.startswith(h + "."))
    assert heavy == [], f"move these imports into the task functions: {heavy}"


def test_schedule_is_nightly_in_the_shop_time_zone(parsed: dict[str, Any]) -> None:
    dag = parsed["dag"]
    assert dag["timetable"] == "CronTriggerTimetable"
    assert dag["cron"] == "15 3 * * *"  # SPOON_SCHEDULE_TIME=03:15
    assert dag["timezone"] == "America/Los_Angeles"


def test_run_policy(parsed: dict[str, Any]) -> None:
    dag = parsed["dag"]
    assert dag["catchup"] is False
    assert dag["start_date"] is None  # the first run is the next nightly slot, not yesterday's
    # ... even when deployed a minute after a slot (Airflow would otherwise run that slot now)
    assert dag["first_run_after_slot_s"] >= 22 * 3600
    assert dag["max_active_runs"] == 1
    assert dag["max_active_tasks"] == 1  # DuckDB has one writer at a time
    assert dag["dagrun_timeout_s"] and dag["dagrun_timeout_s"] > 0
    assert dag["owner"] == "data-team"
    assert {"shopify", "nightly"} <= set(dag["tags"])
    assert dag["on_failure_callback"] == ["spoon.orchestrate.notify.run_failed"]


def test_every_task_retries_with_backoff_and_notifies(parsed: dict[str, Any]) -> None:
    tasks = parsed["tasks"]
    assert len(tasks) > 8
    for task_id, task in tasks.items():
        assert task["owner"] == "data-team", task_id
        assert task["retries"] == 3, task_id
        assert task["retry_exponential_backoff"] > 1, task_id
        assert task["retry_delay_s"] == 300, task_id
        assert task["max_retry_delay_s"] == 3600, task_id
        assert task["on_failure_callback"] == ["spoon.orchestrate.notify.task_failed"], task_id


def test_embedded_pipeline_order(parsed: dict[str, Any]) -> None:
    tasks = parsed["tasks"]
    dbt_tasks = [t for t in tasks if t.startswith("dbt.")]
    # one `dbt build` (model + its tests) per model; tests on several models run after them
    assert "dbt.fct_sales_model_build" in dbt_tasks
    assert all(t.endswith(("_model_build", "_test")) for t in dbt_tasks), dbt_tasks
    for test_task in (t for t in dbt_tasks if t.endswith("_test")):
        assert len(tasks[test_task]["upstream"]) > 1, test_task
    assert tasks["extract"]["upstream"] == []
    assert tasks["load"]["upstream"] == ["extract"]
    assert tasks["source_freshness"]["upstream"] == ["load"]
    roots = [t for t in dbt_tasks if not {u for u in tasks[t]["upstream"] if u.startswith("dbt.")}]
    assert roots and all(tasks[t]["upstream"] == ["source_freshness"] for t in roots)
    assert set(tasks["marts"]["upstream"]) <= set(dbt_tasks)
    assert tasks["publish.docs"]["upstream"] == ["marts"]
    assert tasks["publish.dashboard"]["upstream"] == ["marts"]


def test_marts_are_assets(parsed: dict[str, Any]) -> None:
    outlets = parsed["dag"]["outlets"]
    assert "marts.fct_sales" in outlets and "marts.rpt_daily_sales" in outlets
    assert all(name.startswith("marts.") for name in outlets)
    assert not any(name.startswith(("marts.stg_", "marts.int_")) for name in outlets)


def test_production_mode_uses_airbyte_deferrable_sync(parsed_production: dict[str, Any]) -> None:
    assert parsed_production["import_errors"] == {}
    tasks = parsed_production["tasks"]
    assert "extract" not in tasks
    sync = tasks["extract.sync"]
    assert sync["operator"] == "AirbyteTriggerSyncOperator"
    assert sync["deferrable"] is True
    assert sync["upstream"] == ["extract.find_connection"]
    assert tasks["load"]["upstream"] == ["extract.sync"]
    assert parsed_production["dag"]["max_active_tasks"] == 4


def test_bad_schedule_setting_is_an_import_error(
    driver: Any, workspace_env: dict[str, str]
) -> None:
    out = driver("parse", workspace_env | {"SPOON_SHOP_TIMEZONE": "Mars/Olympus"})
    (error,) = out["import_errors"].values()
    assert "SPOON_SHOP_TIMEZONE='Mars/Olympus' is not an IANA time zone" in error


SHOPS = {"SPOON_LAKE_NAMESPACES": "shop_us,shop_eu"}


def test_several_shops_extract_side_by_side_before_the_shared_load(
    driver: Any, workspace_env: dict[str, str]
) -> None:
    """One extract task per shop, in parallel (no edge between them), both before the one
    load and dbt build."""
    tasks = driver("parse", workspace_env | SHOPS)["tasks"]
    assert "extract" not in tasks
    assert tasks["extract.shop_us"]["upstream"] == tasks["extract.shop_eu"]["upstream"] == []
    assert tasks["load"]["upstream"] == ["extract.shop_eu", "extract.shop_us"]
    assert tasks["source_freshness"]["upstream"] == ["load"]


def test_several_shops_one_airbyte_sync_per_connection(
    driver: Any, workspace_env: dict[str, str]
) -> None:
    env = workspace_env | SHOPS | {"SPOON_SOURCE": "airbyte", "SPOON_WAREHOUSE": "snowflake"}
    tasks = driver("parse", env)["tasks"]
    for ns in ("shop_us", "shop_eu"):
        sync = tasks[f"extract.sync_{ns}"]
        assert sync["operator"] == "AirbyteTriggerSyncOperator" and sync["deferrable"] is True
        assert sync["upstream"] == [f"extract.find_connection_{ns}"]
        assert tasks[f"extract.find_connection_{ns}"]["upstream"] == []
    assert tasks["load"]["upstream"] == ["extract.sync_shop_eu", "extract.sync_shop_us"]
