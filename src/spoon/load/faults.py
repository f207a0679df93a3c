"""The loader's faults: a bad *file* (quarantined with its reason) or a failing
*environment* (DuckDB out of memory, disk full, an I/O error, a lost connection: the run stops
with one line, nothing quarantined, the file loaded next run)."""

from __future__ import annotations

import duckdb

from spoon.errors import EnvironmentFailure, first_line


class BadFile(Exception):
    """A file that cannot be loaded; its message is the quarantine reason."""


#: DuckDB errors that are the machine's or the warehouse's, never the file's
_ENVIRONMENT_ERRORS: tuple[type[BaseException], ...] = (
    duckdb.OutOfMemoryException,
    duckdb.IOException,
    duckdb.ConnectionException,
    duckdb.FatalException,
    duckdb.InterruptException,
    duckdb.PermissionException,
)
#: ... and messages that say so whatever the class (a failed commit is a TransactionException)
_ENVIRONMENT_MESSAGES = {
    "out of memory": "DuckDB ran out of memory",
    "failed to allocate": "DuckDB ran out of memory",
    "no space left on device": "the disk is full",
    "disk full": "the disk is full",
    "disk quota exceeded": "the disk is full",
    "input/output error": "an I/O error",
    "read-only file system": "the warehouse's file system is read-only",
    "permission denied": "permission denied",
    "could not write file": "an I/O error",
    "could not read": "an I/O error",
    "failed to commit": "the warehouse could not commit",
    "database has been invalidated": "the warehouse connection was lost",
    "connection": "the warehouse connection was lost",
}
_FIXES = {
    "DuckDB ran out of memory": "raise SPOON_DUCKDB_MEMORY_LIMIT or free memory",
    "the disk is full": "free space on the disk of the warehouse and its temp directory",
    "permission denied": "check the permissions of the lake and the warehouse files",
    "an I/O error": "check the disk and the lake's storage (the system log names the device)",
    "the warehouse's file system is read-only": "remount it read-write or set SPOON_DUCKDB_PATH",
    "the warehouse could not commit": "check the disk of the warehouse (space, errors)",
    "the warehouse connection was lost": "check that nothing else holds or moved the warehouse",
}


def environment_problem(err: BaseException) -> str | None:
    """What failed, when `err` is the environment's fault (None: the file's)."""
    text = str(err).lower()
    for needle, what in _ENVIRONMENT_MESSAGES.items():
        if needle in text and (needle != "connection" or isinstance(err, _ENVIRONMENT_ERRORS)):
            return what
    if isinstance(err, duckdb.OutOfMemoryException):
        return "DuckDB ran out of memory"
    if isinstance(err, (OSError, *_ENVIRONMENT_ERRORS)):
        return "an I/O error"
    return None


def environment_failure(
    err: BaseException, what: str, where: str, loaded: int = 0
) -> EnvironmentFailure:
    """The one line for an environment failure while loading `where`."""
    detail = first_line(err, 240)  # not DuckDB's advice lines
    fix = _FIXES.get(what, "fix the cause")
    before = f"{loaded} file(s) loaded before it; " if loaded else ""
    return EnvironmentFailure(
        f"load stopped at {where}: {what} ({detail}); {before}nothing was quarantined and "
        f"the file stays in the lake — {fix}, then run `spoon load` again"
    )


class Stop(Exception):
    """An environment failure inside the loader (carries the DuckDB or OS error)."""

    def __init__(self, err: BaseException, what: str) -> None:
        super().__init__(str(err))
        self.err, self.what = err, what


def classify(err: BaseException) -> Exception:
    """`Stop` for the environment's errors, `BadFile` for the file's."""
    what = environment_problem(err)
    if what is not None:
        return Stop(err, what)
    return BadFile(first_line(err))
