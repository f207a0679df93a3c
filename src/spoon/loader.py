"""The embedded loader: lake files -> DuckDB `raw` tables (contract 2).

Behaves like Snowpipe: every file is loaded at most once (load history keyed by file name
and content hash), each file all-or-nothing (one transaction for its rows and its history
row), and a file that cannot be read is quarantined with its reason while the rest load.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from spoon.errors import LoadError, SpoonError
from spoon.lake import AIRBYTE_COLUMNS, FILE_RE, Lake, LakeFile

RAW_SCHEMA = "raw"
HISTORY_TABLE = f"{RAW_SCHEMA}._load_history"
STREAM_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: DuckDB checkpoints the warehouse when its write-ahead log reaches this size (load_lake).
WAL_CHECKPOINT = "1GB"

RAW_TABLE_DDL = """
create table if not exists {table} (
    record json,
    _airbyte_raw_id varchar,
    _airbyte_extracted_at timestamp,
    _file_name varchar,
    _loaded_at timestamp
)
"""

HISTORY_DDL = f"""
create table if not exists {HISTORY_TABLE} (
    file_name varchar not null,
    stream varchar not null,
    content_hash varchar not null,
    size_bytes bigint,
    rows bigint,
    status varchar not null,
    error varchar,
    loaded_at timestamp not null,
    primary key (file_name, content_hash)
)
"""


@dataclass
class FileOutcome:
    file: LakeFile
    status: str  # loaded | skipped | quarantined
    rows: int = 0
    error: str | None = None


@dataclass
class LoadReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def loaded(self) -> int:
        return self.count("loaded")

    @property
    def rows(self) -> int:
        return sum(o.rows for o in self.outcomes if o.status == "loaded")

    @property
    def quarantined(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "quarantined"]


class BadFile(Exception):
    """A file that cannot be loaded; its message is the quarantine reason."""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as err:
        first = str(err).splitlines()[0]
        raise SpoonError(
            f"cannot open the warehouse {path}: {first}; is another spoon command running?"
        ) from None
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(HISTORY_DDL)
    return con


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_columns(con: duckdb.DuckDBPyConnection, path: str) -> None:
    cols = {
        row[0]
        for row in con.execute(
            "select name from parquet_schema(?) where name is not null", [path]
        ).fetchall()
    }
    missing = [c for c in AIRBYTE_COLUMNS[:2] if c not in cols]
    if missing:
        raise BadFile(f"not an Airbyte file: missing column(s) {', '.join(missing)}")


def _load_one(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    lf: LakeFile,
    data: bytes,
    digest: str,
    tmpdir: Path,
) -> int:
    """Insert one file's rows and its history row in one transaction; returns row count."""
    if not FILE_RE.match(lf.name):
        raise BadFile("file name does not follow {YYYY}_{MM}_{DD}_{epoch_ms}_{n}.parquet")
    if not data:
        raise BadFile("empty file (0 bytes)")
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise BadFile("not a Parquet file (missing PAR1 magic; truncated or another format)")
    if lake.is_local:
        local = lf.url
    else:
        local = str(tmpdir / lf.name)
        Path(local).write_bytes(data)
    table = f'{RAW_SCHEMA}."{lf.stream}"'
    open_tx = False
    try:
        _check_columns(con, local)
        con.execute("begin transaction")
        open_tx = True
        con.execute(RAW_TABLE_DDL.format(table=table))
        now = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            f"""
            insert into {table}
            select
                to_json(t) as record,
                cast(t._airbyte_raw_id as varchar),
                cast(timezone('UTC', cast(t._airbyte_extracted_at as timestamptz)) as timestamp),
                ? as _file_name,
                ? as _loaded_at
            from read_parquet(?) as t
            """,
            [lf.key, now, local],
        )
        rows = con.execute(
            f"select count(*) from {table} where _file_name = ? and _loaded_at = ?", [lf.key, now]
        ).fetchone()[0]
        con.execute(
            f"insert into {HISTORY_TABLE} values (?, ?, ?, ?, ?, 'loaded', null, ?)",
            [lf.key, lf.stream, digest, lf.size, rows, now],
        )
        con.execute("commit")
        open_tx = False
        return int(rows)
    except duckdb.Error as err:
        raise BadFile(str(err).splitlines()[0]) from None
    finally:
        if open_tx:
            con.execute("rollback")


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    lf: LakeFile,
    digest: str,
    reason: str,
    quarantine_url: str,
) -> None:
    """Move the bad file aside (with its reason) and remember it in the history."""
    dest_dir = f"{quarantine_url.rstrip('/')}/{lf.namespace}/{lf.stream}"
    try:
        dest = lake.move(lf.url, dest_dir)
        lake.fs.pipe_file(dest + ".reason.txt", (reason + "\n").encode())
    except OSError as err:  # keep going: the history row stops endless retries anyway
        reason = f"{reason} (could not move it to quarantine: {err})"
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute(
        f"insert or replace into {HISTORY_TABLE} values (?, ?, ?, ?, 0, 'quarantined', ?, ?)",
        [lf.key, lf.stream, digest, lf.size, reason, now],
    )


def load_lake(
    lake_url: str,
    namespace: str,
    duckdb_path: Path,
    quarantine_url: str,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    memory_limit: str | None = None,
) -> LoadReport:
    """Load every lake file not loaded before. Never raises for a bad file: see report.

    `memory_limit` caps DuckDB's memory (e.g. "2GB"; default: DuckDB's, 80% of RAM).
    """
    lake = Lake(lake_url)
    files = lake.list_files(namespace)
    report = LoadReport()
    con = connect(duckdb_path)
    try:
        if memory_limit:
            con.execute("set memory_limit = ?", [memory_limit])
        # Each file commits on its own (durable in the write-ahead log). At DuckDB's default
        # 16 MB threshold nearly every orders file also triggered a checkpoint that rewrote
        # the table's last, still filling row group (~1.6x the wall time at 90k orders):
        # checkpoint every WAL_CHECKPOINT of log instead, and once at the end.
        con.execute("set checkpoint_threshold = ?", [WAL_CHECKPOINT])
        done = {
            (name, digest)
            for name, digest in con.execute(
                f"select file_name, content_hash from {HISTORY_TABLE}"
            ).fetchall()
        }
        if on_start:
            on_start(len(files))
        with tempfile.TemporaryDirectory(prefix="spoon-load-") as tmp:
            for lf in files:
                if not STREAM_RE.match(lf.stream):
                    outcome = FileOutcome(lf, "skipped", error="stream name is not a-z0-9_")
                    report.outcomes.append(outcome)
                    continue
                data = lake.read_bytes(lf.url)
                digest = _hash(data)
                if (lf.key, digest) in done:
                    outcome = FileOutcome(lf, "skipped")
                else:
                    try:
                        rows = _load_one(con, lake, lf, data, digest, Path(tmp))
                        outcome = FileOutcome(lf, "loaded", rows=rows)
                    except BadFile as bad:
                        _quarantine(con, lake, lf, digest, str(bad), quarantine_url)
                        outcome = FileOutcome(lf, "quarantined", error=str(bad))
                report.outcomes.append(outcome)
                if on_file:
                    on_file(outcome)
        con.execute("checkpoint")
    finally:
        con.close()
    return report


def raise_for_quarantine(report: LoadReport) -> None:
    bad = report.quarantined
    if bad:
        first = bad[0]
        more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
        raise LoadError(
            f"quarantined {first.file.key}: {first.error}{more}; "
            f"the other files were loaded — fix or re-export the file(s), see raw._load_history"
        )
