"""The loader when the environment fails, not the file (DESIGN contract 4, issue 17): DuckDB
out of memory, a full disk, an I/O error reading the lake, a lost warehouse connection.

Each run stops with one line and exit 75 (EX_TEMPFAIL), quarantines nothing and moves
nothing (the lake is byte for byte the clean run's); the next normal run loads everything,
and the raw tables then equal the clean run's (raw fingerprint). Only a bad file is ever
quarantined, also when the disk fills up while quarantining it: then it stays in the lake.

The faults are real where the machine allows it: a tiny `SPOON_DUCKDB_MEMORY_LIMIT`, and a
write-ahead log that is `/dev/full` (every write: "No space left on device"). An I/O error
of the lake's disk, a lake file we may not read (the tests run as root: chmod denies
nothing) and a dropped connection are injected at the boundary (Lake.read_bytes, the
connection's commit) by DRIVER, which runs the real CLI. One case also builds the marts
after the rerun and compares them with the clean run's (mart fingerprint); one dbt build
is enough, the others stop before dbt and their raw tables are the marts' only input.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.reliability import (
    Baseline,
    clone,
    diff_prints,
    error_lines,
    lake_listing,
    marts_fingerprint,
    raw_fingerprint,
)

from spoon.load.loader import connect

#: `python -c DRIVER <read|deny|commit> <n>`: `spoon load`, where the n-th lake read fails
#: with EIO (read) or EACCES (deny), or the n-th commit with a lost connection.
DRIVER = """
import errno, sys
import duckdb
import spoon.load.loader
from spoon.cli import main
from spoon.load.lake import Lake

what, nth = sys.argv[1], int(sys.argv[2])
calls = [0]

if what in ("read", "deny"):
    real_read = Lake.read_bytes

    def read_bytes(self, path):
        calls[0] += 1
        if calls[0] == nth and what == "deny":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        if calls[0] == nth:
            raise OSError(errno.EIO, "Input/output error", path)
        return real_read(self, path)

    Lake.read_bytes = read_bytes
else:
    real_connect = spoon.load.loader.connect

    class Dropping:
        def __init__(self, con):
            self._con = con

        def __getattr__(self, name):
            return getattr(self._con, name)

        def execute(self, sql, *args):
            if sql.strip().lower() == "commit":
                calls[0] += 1
                if calls[0] == nth:
                    raise duckdb.ConnectionException("Connection Error: connection was lost")
            return self._con.execute(sql, *args)

    spoon.load.loader.connect = lambda path: Dropping(real_connect(path))
main(["load"])
"""


def _driver(ws: Any, what: str, nth: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, what, str(nth)],
        env=ws.env,
        cwd=ws.root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _empty_warehouse_on_a_full_disk(ws: Any) -> Path:
    """A warehouse with its tables (checkpointed) whose write-ahead log is /dev/full."""
    connect(ws.duckdb_path).close()
    wal = ws.duckdb_path.with_name(ws.duckdb_path.name + ".wal")
    assert not wal.exists()
    wal.symlink_to("/dev/full")
    return wal


def _assert_stopped(
    out: subprocess.CompletedProcess[str], ws: Any, baseline: Baseline, what: str
) -> str:
    assert out.returncode == 75, out.stdout + out.stderr
    (line,) = error_lines(out)
    assert "Traceback" not in out.stderr
    assert line.startswith("error: load stopped at shopify/"), line
    assert what in line and "nothing was quarantined" in line, line
    assert not (ws.lake / "_quarantine").exists() or not [
        p for p in (ws.lake / "_quarantine").rglob("*") if p.is_file()
    ]
    assert lake_listing(ws) == baseline.lake  # nothing moved, nothing written
    wal = ws.duckdb_path.with_name(ws.duckdb_path.name + ".wal")
    if ws.duckdb_path.exists() and not wal.is_symlink():  # (a /dev/full log reads as zeros)
        quarantined = ws.query("select count(*) from raw._load_history where status <> 'loaded'")
        assert quarantined == [(0,)]
    return line


def _assert_next_run_loads_everything(ws: Any, baseline: Baseline) -> None:
    again = ws.spoon("load")
    assert "0 quarantined" in again.stdout, again.stdout
    raw = raw_fingerprint(ws)
    assert raw == baseline.raw, diff_prints(raw, baseline.raw)


def test_out_of_memory_stops_and_the_next_run_loads(baseline: Baseline, tmp_path: Path) -> None:
    ws = clone(baseline.ws, tmp_path / "oom", warehouse=False)
    out = ws.spoon("load", check=False, SPOON_DUCKDB_MEMORY_LIMIT="1MB")
    line = _assert_stopped(out, ws, baseline, "DuckDB ran out of memory")
    assert "SPOON_DUCKDB_MEMORY_LIMIT" in line
    _assert_next_run_loads_everything(ws, baseline)


def test_a_full_disk_stops_and_the_next_run_loads(baseline: Baseline, tmp_path: Path) -> None:
    ws = clone(baseline.ws, tmp_path / "full", warehouse=False)
    wal = _empty_warehouse_on_a_full_disk(ws)
    out = ws.spoon("load", check=False)
    _assert_stopped(out, ws, baseline, "the disk is full")
    wal.unlink()  # space again
    assert ws.query("select count(*) from raw._load_history") == [(0,)]
    _assert_next_run_loads_everything(ws, baseline)


@pytest.mark.parametrize(
    ("what", "nth", "problem"),
    [("read", 3, "an I/O error"), ("commit", 2, "the warehouse connection was lost")],
)
def test_io_errors_and_lost_connections_stop_and_the_next_run_loads(
    baseline: Baseline, tmp_path: Path, what: str, nth: int, problem: str
) -> None:
    ws = clone(baseline.ws, tmp_path / what, warehouse=False)
    out = _driver(ws, what, nth)
    line = _assert_stopped(out, ws, baseline, problem)
    if what == "commit":  # the first batch committed before the connection went
        assert "file(s) loaded before it" in line, line
    _assert_next_run_loads_everything(ws, baseline)


def test_permission_denied_stops_and_the_next_run_loads_the_same_marts(
    baseline: Baseline, tmp_path: Path
) -> None:
    """A lake file the loader may not read (EACCES) is the environment's fault: the run
    stops, the file stays; once readable, the next run loads it and the marts built from
    that load equal the clean run's."""
    ws = clone(baseline.ws, tmp_path / "denied", warehouse=False)
    out = _driver(ws, "deny", 3)
    line = _assert_stopped(out, ws, baseline, "permission denied")
    assert "check the permissions" in line, line
    _assert_next_run_loads_everything(ws, baseline)
    ws.spoon("transform")
    marts = marts_fingerprint(ws)
    assert marts == baseline.marts, diff_prints(marts, baseline.marts)


def test_a_bad_file_met_on_a_full_disk_stays_in_the_lake(
    baseline: Baseline, tmp_path: Path
) -> None:
    """Quarantining a bad file needs its history row: when that cannot be written the file
    goes back, so it is never in neither place; with space again it is quarantined."""
    ws = clone(baseline.ws, tmp_path / "bad-on-full", warehouse=False)
    bad = ws.stream_dir("customers") / "2025_01_01_1735689600000_0.parquet"  # met first
    bad.write_bytes(b"id,email\n1,x\n")
    listing = lake_listing(ws)
    wal = _empty_warehouse_on_a_full_disk(ws)
    out = ws.spoon("load", check=False)
    assert out.returncode == 75, out.stdout + out.stderr
    (line,) = error_lines(out)
    assert "the disk is full" in line and bad.name in line, line
    assert lake_listing(ws) == listing and bad.exists()
    assert not [p for p in (ws.lake / "_quarantine").rglob("*") if p.is_file()]
    wal.unlink()
    again = ws.spoon("load", check=False)
    assert again.returncode == 1 and not bad.exists()
    (line,) = error_lines(again)
    assert line.startswith(f"error: quarantined shopify/customers/{bad.name}"), line
    raw = raw_fingerprint(ws)
    assert raw == baseline.raw, diff_prints(raw, baseline.raw)
