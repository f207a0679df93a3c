"""For the CI/CD tests: a throw-away copy of the dbt project, on DuckDB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.paths import DBT, REPO

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
    """dbt/ copied to <dest>/dbt, its warehouse <dest>/warehouse.duckdb."""
    root = dest / "dbt"
    shutil.copytree(
        REPO / "dbt",
        root,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"),
    )
    warehouse = dest / "warehouse.duckdb"
    (root / "profiles.yml").write_text(PROFILES.format(path=warehouse))
    return DbtProject(root, warehouse)
