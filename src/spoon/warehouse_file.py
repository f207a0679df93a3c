"""Opening the embedded warehouse (a DuckDB file) with a one-line error a user can act on:
a lock another process holds, a permission the user lacks, or anything else DuckDB says."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from spoon.errors import SpoonError, first_line

if TYPE_CHECKING:
    import duckdb


def open_warehouse(path: Path, *, read_only: bool, again: str) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file `path`, or a SpoonError whose line names the problem
    and the fix; `again` is the command to run once it is fixed (e.g. "spoon load")."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except (duckdb.IOException, duckdb.PermissionException) as err:
        raise SpoonError(unopenable(path, err, again, read_only=read_only)) from None


def unopenable(path: Path, err: BaseException, again: str, *, read_only: bool = False) -> str:
    """The line for a warehouse file that DuckDB could not open (to read only, or to write)."""
    text = " ".join(str(err).split())
    lowered = text.lower()
    if "lock" in lowered:
        return (
            f"the warehouse {path} is locked by another process (a running `spoon load`, dbt "
            f"build or dashboard query): run `{again}` again when it finishes"
        )
    if "permission denied" in lowered or "read-only file system" in lowered:
        access = "read" if read_only else "read and write"
        return (
            f"cannot open the warehouse {path}: {first_line(text, 200)}; give this user {access}"
            f" access to the file and its folder (or set SPOON_DUCKDB_PATH), then run `{again}`"
        )
    return (
        f"cannot open the warehouse {path}: {first_line(text, 200)}; check SPOON_DUCKDB_PATH"
        f" (a DuckDB file of this DuckDB version), then run `{again}`"
    )
