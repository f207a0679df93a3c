"""A failed `dbt build` names the node and the reason in one line, from run_results.json.

dbt itself is a small shell script here (SPOON_DBT_EXECUTABLE): it writes the run's
artifact where dbt would and exits 1, so no real build is needed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from spoon.errors import TransformError
from spoon.settings import Settings
from spoon.transform.runner import run_dbt

RESULTS = {
    "metadata": {"generated_at": "2026-01-15T06:10:00Z"},
    "args": {"which": "build"},
    "results": [
        {"unique_id": "model.willows_spoon.stg_shopify__orders", "status": "success"},
        {
            "unique_id": "test.willows_spoon.not_null_stg_shopify__orders_order_id.1a2b3c",
            "status": "fail",
            "failures": 3,
            "message": "Got 3 results, configured to fail if != 0",
        },
        {"unique_id": "model.willows_spoon.fct_orders", "status": "skipped", "message": ""},
        {"unique_id": "model.willows_spoon.rpt_daily_sales", "status": "skipped"},
    ],
}

FAKE_DBT = """#!/bin/sh
# writes $FAKE_RESULTS as run_results.json into --target-path (else ./target), exits 1
target=target
while [ $# -gt 0 ]; do
  if [ "$1" = "--target-path" ]; then target="$2"; fi
  shift
done
echo "Completed with 1 error"
if [ -n "$FAKE_RESULTS" ]; then
  mkdir -p "$target" && cp "$FAKE_RESULTS" "$target/run_results.json"
fi
exit 1
"""


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: object) -> Settings:
    project = tmp_path / "dbt"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: fake\n")
    exe = tmp_path / "dbt-fake"
    exe.write_text(FAKE_DBT)
    exe.chmod(0o755)
    if results is not None:
        src = tmp_path / "results.json"
        src.write_text(json.dumps(results))
        monkeypatch.setenv("FAKE_RESULTS", str(src))
    else:
        monkeypatch.delenv("FAKE_RESULTS", raising=False)
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        dbt_executable=str(exe),
        dbt_project_dir=project,
        duckdb_path=tmp_path / "warehouse.duckdb",
    )


def test_a_failed_build_names_the_failing_test_and_the_skipped_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch, RESULTS)
    with pytest.raises(TransformError) as err:
        run_dbt(settings, ["build"], on_line=None)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg == (
        "dbt build failed: test not_null_stg_shopify__orders_order_id failed "
        "(3 failing rows); skipped: fct_orders and 1 more "
        f"({tmp_path / 'dbt' / 'target' / 'run_results.json'})"
    )


def test_the_run_results_of_the_runs_own_target_path_and_an_error_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    errored = {
        "results": [
            {
                "unique_id": "model.willows_spoon.fct_orders",
                "status": "error",
                "message": "Runtime Error in model fct_orders\n  Out of Memory Error",
            }
        ]
    }
    settings = _settings(tmp_path, monkeypatch, errored)
    elsewhere = tmp_path / "elsewhere"
    with pytest.raises(TransformError) as err:
        run_dbt(settings, ["run", "--target-path", str(elsewhere)], on_line=None)
    assert str(err.value) == (
        "dbt run failed: model fct_orders errored "
        "(Runtime Error in model fct_orders Out of Memory Error) "
        f"({elsewhere / 'run_results.json'})"
    )


def test_without_run_results_the_first_error_line_of_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch, None)
    # a previous run's file is not this run's failure
    stale = tmp_path / "dbt" / "target" / "run_results.json"
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps(RESULTS))
    os.utime(stale, (0, 0))
    with pytest.raises(TransformError) as err:
        run_dbt(settings, ["build"], on_line=None)
    assert str(err.value) == "dbt build failed (exit 1): Completed with 1 error"


def test_a_failed_test_with_a_fix_is_named_first_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of two failed tests, the one whose `meta.fix` the manifest holds says best what is
    wrong: it is named, and its fix ends the line. (The fake dbt cannot `show` the failing
    rows: the line goes without them.)"""
    settings = _settings(tmp_path, monkeypatch, None)
    target = tmp_path / "dbt" / "target"
    target.mkdir(parents=True)
    fixed = "test.willows_spoon.assert_every_shop_has_its_settings"
    results = {
        "results": [
            {**RESULTS["results"][1], "compiled_code": "select 1 as id where false"},
            {"unique_id": fixed, "status": "fail", "failures": 1, "compiled_code": "select 1"},
        ]
    }
    manifest = {"nodes": {fixed: {"config": {"meta": {"fix": "sync the\n   shop stream"}}}}}
    (target / "manifest.json").write_text(json.dumps(manifest))
    src = tmp_path / "results.json"
    src.write_text(json.dumps(results))
    monkeypatch.setenv("FAKE_RESULTS", str(src))
    with pytest.raises(TransformError) as err:
        run_dbt(settings, ["build"], on_line=None)
    assert str(err.value) == (
        "dbt build failed: test assert_every_shop_has_its_settings failed (1 failing row);"
        " 1 more node failed. Fix: sync the shop stream"
        f" ({target / 'run_results.json'})"
    )


def test_the_failing_rows_in_one_cut_line() -> None:
    from spoon.transform.results import describe_rows

    rows = [{"shop": "shop_x", "problem": "no shop\nrecord"}, {"shop": "b", "problem": None}]
    assert describe_rows(rows) == "shop=shop_x, problem=no shop record; shop=b, problem=None"
    assert describe_rows([{"note": "x" * 500}], limit=20) == "note=" + "x" * 14 + "…"
