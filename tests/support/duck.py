"""DuckDB warehouse files: read one, change one, copy one."""

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
