"""dbt (the .venv-dbt one) on the project of the checkout, with its own target and logs."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from support.duck import query
from support.paths import DBT, REPO

PROJECT = REPO / "dbt"
__all__ = ["DBT", "PROJECT", "REPO", "DbtRunner", "dbt_env", "duckdb_runner", "query"]


@dataclass
class DbtRunner:
    env: dict[str, str]
    target: str
    workdir: Path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [
            str(DBT),
            *args,
            "--project-dir",
            "dbt",
            "--profiles-dir",
            "dbt",
            "--target",
            self.target,
            "--target-path",
            str(self.workdir / "target"),
        ]
        out = subprocess.run(cmd, cwd=REPO, env=self.env, capture_output=True, text=True)
        if check and out.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout[-6000:]}"
            )
        return out


def dbt_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "DBT_"))}
    env.update(
        {
            "DBT_LOG_PATH": str(workdir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "SPOON_DBT_THREADS": "2",
            **extra,
        }
    )
    return env


def duckdb_runner(workdir: Path) -> DbtRunner:
    workdir.mkdir(parents=True, exist_ok=True)
    env = dbt_env(workdir, SPOON_DUCKDB_PATH=str(workdir / "warehouse.duckdb"))
    return DbtRunner(env, "dev", workdir)


def fresh_warehouse(dbt: DbtRunner) -> Path:
    path = dbt.workdir / "warehouse.duckdb"
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path
