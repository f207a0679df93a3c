"""Fixtures for the Airflow tests: they drive `.venv-airflow` through airflow_driver.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
AIRFLOW_BIN = REPO / ".venv-airflow" / "bin"
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
DRIVER = Path(__file__).with_name("airflow_driver.py")
SMALL_SHOP = {"SPOON_DEMO_ORDERS": "1500", "SPOON_DEMO_DAYS": "150", "SPOON_DEMO_SEED": "7"}

Driver = Callable[..., dict[str, Any]]


def _require(path: Path, how: str) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: run `{how}`", pytrace=False)


@pytest.fixture(scope="session")
def workspace_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spoon")


@pytest.fixture(scope="session")
def dbt_project(workspace_root: Path) -> tuple[Path, Path]:
    """A private copy of dbt/ and its manifest (`dbt parse`), so no test writes to dbt/.
    Parsed with the run's profile values, so each dbt task can parse partially."""
    _require(DBT, "make setup")
    project = workspace_root / "dbt"
    shutil.copytree(
        REPO / "dbt", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "DBT_"))}
    env |= {
        "SPOON_DUCKDB_PATH": str(workspace_root / "warehouse.duckdb"),
        "SPOON_DBT_TARGET": "dev",
        "SPOON_DBT_THREADS": "2",
        "DO_NOT_TRACK": "1",
    }
    out = subprocess.run(
        [str(DBT), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, f"dbt parse failed:\n{out.stdout}\n{out.stderr}"
    return project, project / "target" / "manifest.json"


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A throwaway AIRFLOW_HOME with SQLite metadata, migrated once per session."""
    _require(AIRFLOW_BIN / "airflow", "make setup")
    home = tmp_path_factory.mktemp("airflow-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "AIRFLOW"))}
    env |= {
        "PATH": f"{AIRFLOW_BIN}{os.pathsep}{env.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "airflow" / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__CACHE_DIR": str(home / "cosmos"),
        "DO_NOT_TRACK": "1",
        "NO_PROXY": "*",
    }
    out = subprocess.run(
        [str(AIRFLOW_BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, f"airflow db migrate failed:\n{out.stdout}\n{out.stderr}"
    return env


@pytest.fixture(scope="session")
def workspace_env(workspace_root: Path, dbt_project: tuple[Path, Path]) -> dict[str, str]:
    """SPOON_* settings of an embedded run on a small demo shop, all under a temp folder."""
    root = workspace_root
    project, manifest = dbt_project
    return {
        "SPOON_ENV_FILE": str(root / "none.env"),
        "SPOON_SOURCE": "demo",
        "SPOON_WAREHOUSE": "duckdb",
        "SPOON_LAKE_URL": str(root / "lake"),
        "SPOON_DUCKDB_PATH": str(root / "warehouse.duckdb"),
        "SPOON_TRUTH_DIR": str(root / "truth"),
        "SPOON_DOCS_DIR": str(root / "docs"),
        "SPOON_DASHBOARD_REFRESH_FILE": str(root / "dashboard-refresh.json"),
        "SPOON_DBT_PROJECT_DIR": str(project),
        "SPOON_DBT_MANIFEST_PATH": str(manifest),
        "SPOON_DBT_EXECUTABLE": str(DBT),
        "SPOON_SHOP_TIMEZONE": "America/Los_Angeles",
        "SPOON_SCHEDULE_TIME": "03:15",
        **SMALL_SHOP,
    }


@pytest.fixture(scope="session")
def driver(airflow_home: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Driver:
    """driver("parse" | "test", **SPOON_overrides) -> the driver's JSON answer."""
    out_dir = tmp_path_factory.mktemp("driver")

    def run(command: str, env: dict[str, str], timeout: float = 900) -> dict[str, Any]:
        result = out_dir / f"{command}-{len(list(out_dir.iterdir()))}.json"
        proc = subprocess.run(
            [str(AIRFLOW_BIN / "python"), str(DRIVER), command, str(result)],
            env={**airflow_home, **env},
            cwd=out_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        log = result.with_suffix(".log")  # the run's own output, for a failing task's log
        log.write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0 or not result.exists():
            raise AssertionError(
                f"airflow_driver.py {command} failed ({proc.returncode}):\n"
                f"{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
            )
        return {**json.loads(result.read_text()), "log": str(log)}

    return run
