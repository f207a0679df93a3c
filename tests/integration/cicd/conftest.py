"""Helpers for the CI/CD tests: a throw-away copy of the dbt project on DuckDB."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
VENV_BIN = REPO / ".venv" / "bin"

# Prod and the PR's CI run share one DuckDB file, as they share one Snowflake account:
# prod writes the custom schemas as-is (staging, marts, ...), `ci` prefixes them with the
# PR's schema (pr_1_staging, ...) through the project's generate_schema_name macro.
PROFILES = """\
willows_spoon:
  target: prod
  outputs:
    prod:
      type: duckdb
      path: "{path}"
      schema: main
      threads: 2
    ci:
      type: duckdb
      path: "{path}"
      schema: pr_1
      threads: 2
"""


def _raw_fixture() -> ModuleType:
    """The dbt tests' hand-made shop (tests/integration/dbt/conftest.py), loaded by path."""
    path = REPO / "tests" / "integration" / "dbt" / "conftest.py"
    spec = importlib.util.spec_from_file_location("cicd_dbt_raw_fixture", path)
    assert spec and spec.loader, f"cannot load the raw fixture {path}"
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


@dataclass
class DbtProject:
    """A copy of dbt/ in a temporary folder, with a DuckDB profile of targets prod and ci."""

    root: Path
    warehouse: Path

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "DBT_"))}
        env.update(
            DBT_LOG_PATH=str(self.root / "logs"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DO_NOT_TRACK="1",
        )
        return env

    def dbt(
        self, *args: str, target: str, target_path: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        cmd = [
            str(DBT),
            *args,
            "--project-dir",
            str(self.root),
            "--profiles-dir",
            str(self.root),
            "--target",
            target,
            "--target-path",
            str(self.root / target_path),
        ]
        out = subprocess.run(cmd, cwd=self.root, env=self.env, capture_output=True, text=True)
        if check and out.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} failed ({out.returncode}):\n{out.stdout[-6000:]}"
            )
        return out

    def manifest(self, target_path: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / target_path / "manifest.json").read_text())
        return data

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        import duckdb

        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


def copy_project(dest: Path) -> DbtProject:
    root = dest / "dbt"
    shutil.copytree(
        REPO / "dbt",
        root,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"),
    )
    warehouse = dest / "warehouse.duckdb"
    (root / "profiles.yml").write_text(PROFILES.format(path=warehouse))
    return DbtProject(root, warehouse)


@pytest.fixture()
def cicd() -> SimpleNamespace:
    """Helpers for test modules (importlib mode cannot import conftest)."""
    load_raw: Callable[[Path, list[int]], None] = _raw_fixture().load_duckdb
    return SimpleNamespace(
        REPO=REPO, DBT=DBT, VENV_BIN=VENV_BIN, copy_project=copy_project, load_raw=load_raw
    )
