"""DuckDB warehouse files: read one, change one, copy one, log dbt builds in one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """All rows of `sql` on the warehouse file at `path`, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def execute(path: Path, *statements: str) -> None:
    """Run `statements`, in order, on the warehouse file at `path` (opened read-write)."""
    with duckdb.connect(str(path)) as con:
        for sql in statements:
            con.execute(sql)


def copy_warehouse(src: Path, dst_dir: Path) -> Path:
    """A copy of the warehouse file `src` in `dst_dir` (created if need be)."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copyfile(src, dst)
    return dst


def log_builds(path: Path, *builds: tuple[str, str]) -> None:
    """Rows of audit.dbt_build_log (as dbt's on-run-end hook writes them): (finished, status)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists audit")
        con.execute(
            "create table if not exists audit.dbt_build_log (invocation_id varchar, "
            "command varchar, target_name varchar, started_at timestamp, finished_at timestamp, "
            "status varchar, nodes integer, errors integer, skipped integer)"
        )
        for i, (finished, status) in enumerate(builds):
            con.execute(
                "insert into audit.dbt_build_log values (?, 'build', 'dev', "
                "cast(? as timestamp) - interval 5 minute, cast(? as timestamp), ?, 80, ?, 0)",
                [f"inv-{i}", finished, finished, status, int(status == "error")],
            )
