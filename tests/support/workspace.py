"""A workspace: a lake, a warehouse and a ground truth under one root, and the `spoon` CLI
run there with nothing of the developer's settings."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from support.paths import SPOON


@dataclass
class Workspace:
    root: Path
    env: dict[str, str]
    #: seconds a `spoon` command may take (None: no limit)
    timeout: float | None = None

    @property
    def lake(self) -> Path:
        return Path(self.env["SPOON_LAKE_URL"])

    @property
    def duckdb_path(self) -> Path:
        return Path(self.env["SPOON_DUCKDB_PATH"])

    @property
    def truth(self) -> Path:
        """The demo shop's ground truth of rpt_daily_sales."""
        return Path(self.env["SPOON_TRUTH_DIR"]) / "daily_sales.csv"

    def stream_dir(self, stream: str) -> Path:
        return self.lake / "shopify" / stream

    def spoon(
        self, *args: str, check: bool = True, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        """`spoon *args` in the workspace (with `extra_env` on top of its settings)."""
        out = subprocess.run(
            [SPOON, *args],
            env={**self.env, **extra_env},
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=self.timeout,
        )
        if check and out.returncode != 0:
            raise AssertionError(
                f"spoon {' '.join(args)} failed ({out.returncode}):\n"
                f"{out.stdout[-6000:]}\n{out.stderr[-3000:]}"
            )
        return out

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def make_workspace(
    root: Path,
    shop: Mapping[str, str] | None = None,
    *,
    private_dbt: bool = False,
    timeout: float | None = None,
    **extra: str,
) -> Workspace:
    """A workspace under `root` (created): the process's environment without any SPOON_*
    variable, then the workspace's paths, the demo `shop`'s settings and `extra`. With
    `private_dbt`, dbt writes its target/ and logs/ under `root` too, and HOME is `root`."""
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        {
            "SPOON_ENV_FILE": str(root / "none.env"),
            "SPOON_LAKE_URL": str(root / "lake"),
            "SPOON_DUCKDB_PATH": str(root / "warehouse.duckdb"),
            "SPOON_TRUTH_DIR": str(root / "truth"),
        }
    )
    if private_dbt:
        env.update(
            {
                # dbt writes its target/ and logs/ here, never into the checkout's dbt/
                "DBT_TARGET_PATH": str(root / "dbt-target"),
                "DBT_LOG_PATH": str(root / "dbt-logs"),
                "HOME": str(root),  # e.g. ~/.spoon/keys: nothing of the developer's
            }
        )
    env.update({**(shop or {}), **extra})
    return Workspace(root, env, timeout)
