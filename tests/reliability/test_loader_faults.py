"""The loader under faults: killed with SIGKILL in the middle of a file, and files that
cannot be read. Nothing is lost or loaded twice; the raw tables end up exactly as the clean
run's (raw fingerprint: every file's rows by file, raw id and record content).

The kill is deterministic without any hook in the product: the `spoon load` subprocess runs
through DRIVER below, which wraps the loader's DuckDB connection and, at the n-th file's
`commit` (just before it: rows inserted, transaction open; or just after it: committed, not
yet checkpointed), drops a marker file and waits; the test then sends SIGKILL. Per-file
loader behaviour on one bad file at a time is in tests/integration/loader/test_loader.py;
here the whole CLI runs on a real lake with three bad files at once, and their re-delivery.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from support.reliability import Baseline, clone, diff_prints, error_lines, raw_fingerprint

#: `python -c DRIVER <before|after> <n> <marker>`: `spoon load`, parked at the n-th commit.
DRIVER = """
import os, sys, time
from pathlib import Path
import spoon.load.loader
from spoon.cli import main

when, nth, marker = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
real_connect = spoon.load.loader.connect


class Parked:
    def __init__(self, con):
        self._con, self._commits = con, 0

    def __getattr__(self, name):
        return getattr(self._con, name)

    def _park(self):
        part = marker.with_name(marker.name + ".part")
        part.write_text(f"{os.getpid()}\\n")
        part.rename(marker)  # the marker appears whole
        time.sleep(300)  # killed long before
        os._exit(86)

    def execute(self, sql, *args):
        is_commit = sql.strip().lower() == "commit"
        if is_commit:
            self._commits += 1
            if when == "before" and self._commits == nth:
                self._park()
        out = self._con.execute(sql, *args)
        if is_commit and when == "after" and self._commits == nth:
            self._park()
        return out


spoon.load.loader.connect = lambda path: Parked(real_connect(path))
main(["load"])
"""


def _wait_for(marker: Path, proc: subprocess.Popen[str], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            _out, err = proc.communicate()
            raise AssertionError(f"spoon load ended ({proc.returncode}) before the fault:\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the loader never reached the fault point")
        time.sleep(0.05)


@pytest.mark.parametrize(
    "point, nth",
    [("before", 4), ("after", 5)],
    ids=["killed-mid-file", "killed-after-commit-before-checkpoint"],
)
def test_loader_killed_then_rerun_loses_and_duplicates_nothing(
    baseline: Baseline, tmp_path: Path, point: str, nth: int
) -> None:
    ws = clone(baseline.ws, tmp_path / "killed", warehouse=False)
    marker = tmp_path / "at-fault-point"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, point, str(nth), str(marker)],
        env=ws.env,
        cwd=ws.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(marker, proc)
    assert int(marker.read_text()) == proc.pid  # the loader itself, not a child
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # what survived the kill: whole files only, each in the history with all its rows
    with duckdb.connect(str(ws.duckdb_path), read_only=True) as con:
        history = con.execute(
            "select file_name, stream, rows from raw._load_history where status = 'loaded'"
        ).fetchall()
        for file_name, stream, rows in history:
            got = con.execute(
                f'select count(*) from raw."{stream}" where _file_name = ?', [file_name]
            ).fetchone()
            assert got == (rows,), (file_name, got, rows)
    assert len(history) == (nth - 1 if point == "before" else nth)

    out = ws.spoon("load")
    total = len(baseline.raw["_load_history"])
    assert f"{total - len(history)} new files" in out.stdout, out.stdout
    raw = raw_fingerprint(ws)
    assert raw == baseline.raw, diff_prints(raw, baseline.raw)


def test_unreadable_files_are_quarantined_once_and_the_rest_loads(
    baseline: Baseline, tmp_path: Path
) -> None:
    ws = clone(baseline.ws, tmp_path / "bad-files", warehouse=False)
    good = sorted(ws.stream_dir("orders").glob("*.parquet"))[0]
    data = good.read_bytes()
    bad = {
        ws.stream_dir("orders") / "2025_10_01_1759302000000_0.parquet": data[: len(data) // 2],
        ws.stream_dir("customers") / "2025_10_01_1759302000000_0.parquet": b"id,email\n1,x\n",
        ws.stream_dir("order_refunds") / "2025_10_01_1759302000000_0.parquet": b"",
    }
    for path, content in bad.items():
        path.write_bytes(content)

    out = ws.spoon("load", check=False)
    assert out.returncode == 1, out.stdout + out.stderr
    (line,) = error_lines(out)
    # files load stream by stream (alphabetical): customers' file is met first
    assert line.startswith("error: quarantined shopify/customers/2025_10_01_1759302000000_0")
    assert "and 2 more" in line
    raw = raw_fingerprint(ws)
    assert raw == baseline.raw, diff_prints(raw, baseline.raw)
    quarantine = ws.lake / "_quarantine" / "shopify"
    reasons = {}
    for path in bad:
        moved = quarantine / path.parent.name / path.name
        assert moved.read_bytes() == bad[path] and not path.exists()
        reasons[path.parent.name] = (moved.parent / (moved.name + ".reason.txt")).read_text()
    assert "PAR1" in reasons["orders"] and "PAR1" in reasons["customers"]
    assert "empty file" in reasons["order_refunds"]

    # the next run does not retry them
    again = ws.spoon("load")
    assert "0 new files" in again.stdout and "0 quarantined" in again.stdout, again.stdout

    # nor when the same bad bytes are delivered again under the same name
    for path, content in bad.items():
        path.write_bytes(content)
    again = ws.spoon("load")
    assert "0 new files" in again.stdout and "0 quarantined" in again.stdout, again.stdout
    assert ws.query("select count(*) from raw._load_history where status = 'quarantined'") == [(3,)]
    assert raw_fingerprint(ws) == baseline.raw

    # a repaired file under the same name loads (new content, new hash): here the orders
    # file again, so the raw table holds each order twice and staging keeps one
    repaired = ws.stream_dir("orders") / "2025_10_01_1759302000000_0.parquet"
    repaired.write_bytes(data)
    fixed = ws.spoon("load")
    assert "1 new files" in fixed.stdout, fixed.stdout
