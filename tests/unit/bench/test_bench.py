"""`bench/run.py` (make bench) end to end at a tiny size: its results file, not its timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "bench" / "run.py"
STEPS = ["generate", "load", "dbt"]


@pytest.mark.slow
def test_bench_writes_a_sane_results_file(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    # one dbt model and its parents (the audit of rejects), not the whole build: this
    # checks the script, it does not benchmark
    run = subprocess.run(
        [
            sys.executable, str(SCRIPT), "--sizes", "300", "--workdir", str(tmp_path / "work"),
            "--output", str(out), "--dbt-select", "+stg_shopify__shop",
        ],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "full build" in run.stdout and "nightly" in run.stdout

    doc = json.loads(out.read_text())
    assert doc["machine"]["cpus"] >= 1 and doc["targets"]["peak_memory_gb"] == 4.0
    [r] = doc["results"]
    assert r["orders"] == 300 and r["days"] >= 1
    assert [s["step"] for s in r["steps"]] == STEPS
    for step in r["steps"] + r["increment"]["steps"]:
        assert step["seconds"] > 0 and step["cpu_seconds"] >= 0
        assert 0 < step["peak_tree_rss_mb"] < 64 * 1024
        assert len(step["loadavg_before"]) == len(step["loadavg_after"]) == 3
    assert r["seconds"] == pytest.approx(sum(s["seconds"] for s in r["steps"]), abs=0.05)
    assert r["build_seconds"] < r["seconds"]
    assert r["peak_memory_mb"] == max(r["peak_memory_mb_by_step"].values())

    # the loader loaded every lake row, and DuckDB's read_parquet read the same rows
    lake_rows = sum(r["lake_rows"].values())
    assert lake_rows > 300 and r["lake_rows"]["orders"] <= 300
    loader = r["loader"]
    assert loader["rows"] == lake_rows == loader["duckdb_step"]["rows"]
    assert loader["loader_rows_per_s"] > 0 and loader["duckdb_rows_per_s"] > 0
    assert loader["ratio"] == pytest.approx(
        loader["loader_rows_per_s"] / loader["duckdb_rows_per_s"], rel=0.01
    )

    # the nightly increment: one more day, a few new rows, on top of the same history
    inc = r["increment"]
    assert [s["step"] for s in inc["steps"]] == STEPS
    assert inc["until"] > r["until"]
    assert inc["steps"][1]["rows"] == sum(inc["new_rows"].values()) < lake_rows
    assert inc["ratio"] == pytest.approx(inc["seconds"] / r["seconds"], abs=0.002)

    v = doc["verdicts"]
    assert v["measured_at_orders"] == 300
    assert v["full_build_under_10_min"] is None  # only judged at 1M orders
    assert isinstance(v["peak_memory_under_4_gb"], bool)
    assert not (tmp_path / "work" / "300").exists()  # scratch removed unless --keep

    # the README table comes from the same file
    md = subprocess.run(
        [sys.executable, str(SCRIPT), "--report", str(out), "--markdown"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert md.stdout.startswith("| orders |") and "| 300 |" in md.stdout
