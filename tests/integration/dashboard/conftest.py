"""Fixtures of the dashboard tests: a fixture warehouse, the demo warehouse, env helpers."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace

import duckdb
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPOON = str(Path(sys.executable).parent / "spoon")
APP = REPO / "dashboard" / "app.py"
PAGES = ("overview", "geography", "customers", "products", "growth", "reconciliation")


def _load(name: str) -> ModuleType:
    """Import a helper module beside this file (importlib mode: no package, no sys.path)."""
    spec = importlib.util.spec_from_file_location(f"_dashboard_{name}", HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fixture_marts = _load("fixture_marts")


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding contract-3 marts built from generated sales events."""
    path = tmp_path_factory.mktemp("fixture-marts") / "warehouse.duckdb"
    return fixture_marts.build_fixture_warehouse(path)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pipeline on a small demo shop: extract -> load -> transform (dbt).

    Any failure of the pipeline fails the tests that use it.
    """
    root = tmp_path_factory.mktemp("demo-shop")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        SPOON_ENV_FILE=str(root / "none.env"),
        SPOON_LAKE_URL=str(root / "lake"),
        SPOON_DUCKDB_PATH=str(root / "warehouse.duckdb"),
        SPOON_TRUTH_DIR=str(root / "truth"),
    )
    steps = (
        ["extract", "--source", "demo", "--orders", "2000", "--days", "120"],
        ["load"],
        ["transform"],
    )
    for args in steps:
        out = subprocess.run([SPOON, *args], env=env, cwd=root, capture_output=True, text=True)
        if out.returncode != 0:
            raise AssertionError(
                f"spoon {' '.join(args)} failed ({out.returncode}):\n"
                f"{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
            )
    return root / "warehouse.duckdb"


@pytest.fixture()
def use_warehouse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[Path], Path]:
    """Point the settings at a warehouse (and at a private refresh file)."""

    def use(path: Path) -> Path:
        monkeypatch.setenv("SPOON_DUCKDB_PATH", str(path))
        monkeypatch.setenv("SPOON_WAREHOUSE", "duckdb")
        monkeypatch.setenv("SPOON_DASHBOARD_REFRESH_FILE", str(tmp_path / "refresh.json"))
        return path

    return use


def copy_warehouse(src: Path, dst_dir: Path) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copyfile(src, dst)
    return dst


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture()
def dash() -> SimpleNamespace:
    """Helpers for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        APP=APP,
        PAGES=PAGES,
        REPO=REPO,
        SPOON=SPOON,
        query=query,
        copy_warehouse=copy_warehouse,
        fixture_marts=fixture_marts,
    )
