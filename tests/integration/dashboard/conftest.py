"""Fixtures of the dashboard tests: a fixture warehouse, the demo warehouse, env helpers
(what the tests read them with is in support.duck and support.dashboard)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import fixture_marts
from support.workspace import make_workspace


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
    ws = make_workspace(tmp_path_factory.mktemp("demo-shop"))
    ws.spoon("extract", "--source", "demo", "--orders", "2000", "--days", "120")
    ws.spoon("load")
    ws.spoon("transform")
    return ws.duckdb_path


@pytest.fixture()
def use_warehouse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[Path], Path]:
    """Point the settings at a warehouse (and at a private refresh file)."""

    def use(path: Path) -> Path:
        monkeypatch.setenv("SPOON_DUCKDB_PATH", str(path))
        monkeypatch.setenv("SPOON_WAREHOUSE", "duckdb")
        monkeypatch.setenv("SPOON_DASHBOARD_REFRESH_FILE", str(tmp_path / "refresh.json"))
        return path

    return use
