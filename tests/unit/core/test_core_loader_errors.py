"""Which errors are the file's (quarantine it) and which the environment's (stop, keep the
file): the messages are DuckDB 2.0's own, as seen for these faults."""

from __future__ import annotations

import errno

import duckdb
import pytest

from spoon.load.faults import environment_problem


@pytest.mark.parametrize(
    ("err", "problem"),
    [
        # the file's: quarantined
        (duckdb.Error("Footer length error in file 'x.parquet'"), None),
        (
            duckdb.InvalidInputException(
                'Invalid Input Error: Failed to read file "x.parquet": Snappy decompression failure'
            ),
            None,
        ),
        (duckdb.BinderException('Binder Error: Referenced column "id" not found'), None),
        (duckdb.ConversionException("Conversion Error: Could not convert string"), None),
        # the environment's: the run stops
        (
            duckdb.OutOfMemoryException(
                "Out of Memory Error: failed to allocate data of size 16.0 KiB"
            ),
            "DuckDB ran out of memory",
        ),
        (
            duckdb.TransactionException(
                'TransactionContext Error: Failed to commit: Could not write file "w.wal": '
                "No space left on device"
            ),
            "the disk is full",
        ),
        (duckdb.IOException('IO Error: Cannot open file "x": Input/output error'), "an I/O error"),
        (
            duckdb.ConnectionException("Connection Error: connection was lost"),
            "the warehouse connection was lost",
        ),
        (
            duckdb.FatalException("FATAL Error: database has been invalidated"),
            "the warehouse connection was lost",
        ),
        (OSError(errno.EIO, "Input/output error"), "an I/O error"),
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    ],
)
def test_file_or_environment(err: BaseException, problem: str | None) -> None:
    assert environment_problem(err) == problem
