"""The embedded loader: lake files -> DuckDB `raw` tables (contract 2).

Behaves like Snowpipe: every file is loaded at most once (load history keyed by file name
and content hash), each file all-or-nothing (its rows and its history row commit together:
files of one stream and schema go in batches, one transaction each), and a file that cannot
be read is quarantined with its reason while the rest load.

Only a bad *file* is quarantined (not Parquet, unreadable as Parquet, not contract 1). When
the *environment* fails instead (DuckDB out of memory, disk full, an I/O error, a lost
connection or lake), the run stops at once with `EnvironmentFailure` (one line, exit 75):
the file stays where it is, its batch is rolled back, and the next run loads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from spoon.errors import LakeError, LoadError
from spoon.load.batch import Batch, Pending, prepare
from spoon.load.faults import BadFile, Stop, classify, environment_failure, environment_problem
from spoon.load.lake import STREAMS, Lake, LakeFile
from spoon.warehouse_file import open_warehouse

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
    fingerprint varchar,
    primary key (file_name, content_hash)
)
"""
#: the history's columns, in the order the inserts below give them
HISTORY_COLUMNS = (
    "file_name, stream, content_hash, size_bytes, rows, status, error, loaded_at, fingerprint"
)


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


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back what can be; a connection that is gone has nothing to roll back."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_warehouse(path, read_only=False, again="spoon load")
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(HISTORY_DDL)
    # every stream's raw table exists, even before its first file (a stream added to
    # STREAMS later, e.g. order_agreements, is empty until synced rather than missing)
    for stream in STREAMS:
        con.execute(RAW_TABLE_DDL.format(table=f'{RAW_SCHEMA}."{stream}"'))
    # warehouses loaded before the listing fingerprint existed
    con.execute(f"alter table {HISTORY_TABLE} add column if not exists fingerprint varchar")
    return con


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: The column `read_parquet(filename = ...)` adds, naming each row's file (never stored).
FILE_COLUMN = "_spoon_source_file"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _load_stamp(con: duckdb.DuckDBPyConnection) -> datetime:
    """The `_loaded_at` of a new batch: now, and always later than every earlier load.

    Incremental dbt models on DuckDB read the raw rows loaded after the newest they hold
    (no look-back, macros/incremental.sql), so a clock set back between two loads must not
    stamp new rows earlier than old ones.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    last = con.execute(
        f"select max(loaded_at) from {HISTORY_TABLE} where status = 'loaded'"
    ).fetchone()
    if last and last[0] is not None and last[0] >= now:
        return last[0] + timedelta(microseconds=1)
    return now


def _insert_batch(con: duckdb.DuckDBPyConnection, batch: list[Pending]) -> None:
    """Insert a batch's rows and their history rows in one transaction (all or nothing)."""
    first = batch[0]
    table = f'{RAW_SCHEMA}."{first.lf.stream}"'
    # the whole source row as JSON, exactly `to_json(t)` of the file's own columns
    record = ", ".join(f"{_quote(c)} := t.{_quote(c)}" for c, _ in first.schema)
    # files whose all-null columns are typed differently (see merge_schemas) need DuckDB
    # to unify their schemas by column name
    mixed = any(p.schema != first.schema for p in batch)
    now = _load_stamp(con)
    con.execute("begin transaction")
    try:
        con.execute(RAW_TABLE_DDL.format(table=table))
        inserted = con.execute(
            f"""
            insert into {table}
            select
                to_json(struct_pack({record})) as record,
                cast(t._airbyte_raw_id as varchar),
                cast(timezone('UTC', cast(t._airbyte_extracted_at as timestamptz)) as timestamp),
                ? || parse_filename(t.{FILE_COLUMN}) as _file_name,
                ? as _loaded_at
            from read_parquet(
                ?, filename = '{FILE_COLUMN}'{", union_by_name = true" if mixed else ""}
            ) as t
            """,
            [f"{first.lf.namespace}/{first.lf.stream}/", now, [p.path for p in batch]],
        ).fetchone()
        expected = sum(p.rows for p in batch)
        got = inserted[0] if inserted else 0  # DuckDB answers an INSERT with its row count
        if got != expected:
            raise BadFile(f"read {got} rows where the Parquet footer says {expected}")
        con.executemany(
            f"insert into {HISTORY_TABLE} ({HISTORY_COLUMNS}) "
            "values (?, ?, ?, ?, ?, 'loaded', null, ?, ?)",
            [
                [p.lf.key, p.lf.stream, p.digest, p.lf.size, p.rows, now, p.lf.fingerprint]
                for p in batch
            ],
        )
        con.execute("commit")
    except duckdb.Error as err:
        _rollback(con)
        raise classify(err) from None
    except BaseException:
        _rollback(con)
        raise


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    lf: LakeFile,
    digest: str,
    reason: str,
    quarantine_url: str,
) -> None:
    """Move the bad file aside (with its reason) and remember it in the history, together:
    the history row commits only once the file moved, and when the commit fails (the
    warehouse's disk is full…) the file goes back, so it is never in neither place."""
    dest_dir = f"{quarantine_url.rstrip('/')}/{lf.namespace}/{lf.stream}"
    now = datetime.now(UTC).replace(tzinfo=None)
    insert = (
        f"insert or replace into {HISTORY_TABLE} ({HISTORY_COLUMNS}) "
        "values (?, ?, ?, ?, 0, 'quarantined', ?, ?, ?)"
    )
    dest: str | None = None
    try:
        con.execute("begin transaction")
        try:
            dest = lake.move(lf.url, dest_dir)
            lake.fs.pipe_file(dest + ".reason.txt", (reason + "\n").encode())
        except OSError as err:  # keep going: the history row stops endless retries anyway
            reason = f"{reason} (could not move it to quarantine: {err})"
        con.execute(insert, [lf.key, lf.stream, digest, lf.size, reason, now, lf.fingerprint])
        con.execute("commit")
    except duckdb.Error as err:
        _rollback(con)
        if dest is not None:  # back where it was: the next run sees it again
            try:
                lake.move(dest, lf.url.rsplit("/", 1)[0])
                lake.fs.rm(dest + ".reason.txt")
            except OSError:
                pass
        raise Stop(err, environment_problem(err) or "the warehouse failed") from None


def load_lake(
    lake_url: str,
    namespace: str | Sequence[str],
    duckdb_path: Path,
    quarantine_url: str,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    memory_limit: str | None = None,
) -> LoadReport:
    """Load every lake file not loaded before. Never raises for a bad file: see report.

    `namespace` is one lake namespace or the shops' namespaces (each walked in turn).

    `memory_limit` caps DuckDB's memory (e.g. "2GB"; default: DuckDB's, 80% of RAM).
    """
    lake = Lake(lake_url)
    namespaces = [namespace] if isinstance(namespace, str) else list(namespace)
    files = [lf for ns in namespaces for lf in lake.list_files(ns)]
    report = LoadReport()
    con = connect(duckdb_path)
    where = "the start"  # what the loader is at, for the line of an environment failure
    try:
        if memory_limit:
            con.execute("set memory_limit = ?", [memory_limit])
        # Each batch commits on its own (durable in the write-ahead log). At DuckDB's default
        # 16 MB threshold nearly every orders file also triggered a checkpoint that rewrote
        # the table's last, still filling row group (~1.6x the wall time at 90k orders):
        # checkpoint every WAL_CHECKPOINT of log instead, and once at the end.
        con.execute("set checkpoint_threshold = ?", [WAL_CHECKPOINT])
        history = con.execute(
            f"select file_name, content_hash, fingerprint from {HISTORY_TABLE}"
        ).fetchall()
        done = {(name, digest) for name, digest, _ in history}
        # a file listed with the fingerprint it had when it was loaded is skipped without
        # reading it; others are read and hashed (the content hash decides)
        unchanged = {(name, fp) for name, _, fp in history if fp}
        fingerprints: list[list[str]] = []  # for history rows from before fingerprints
        if on_start:
            on_start(len(files))
        with tempfile.TemporaryDirectory(prefix="spoon-load-") as tmp:
            pending_batch = Batch()

            def record(outcome: FileOutcome) -> None:
                report.outcomes.append(outcome)
                if on_file:
                    on_file(outcome)

            def bad(lf: LakeFile, digest: str, err: BadFile) -> None:
                _quarantine(con, lake, lf, digest, str(err), quarantine_url)
                record(FileOutcome(lf, "quarantined", error=str(err)))

            def flush() -> None:
                nonlocal where
                batch = pending_batch.files
                if not batch:
                    return
                where = batch[0].lf.key + (f" (+{len(batch) - 1} files)" if len(batch) > 1 else "")
                try:
                    _insert_batch(con, batch)
                    for p in batch:
                        record(FileOutcome(p.lf, "loaded", rows=p.rows))
                except BadFile as err:
                    if len(batch) == 1:
                        bad(batch[0].lf, batch[0].digest, err)
                    else:  # find the culprit: each file on its own
                        for p in batch:
                            try:
                                _insert_batch(con, [p])
                                record(FileOutcome(p.lf, "loaded", rows=p.rows))
                            except BadFile as one:
                                bad(p.lf, p.digest, one)
                if not lake.is_local:
                    for p in batch:
                        Path(p.path).unlink(missing_ok=True)
                pending_batch.clear()

            for lf in files:
                where = lf.key
                if not STREAM_RE.match(lf.stream):
                    flush()
                    record(FileOutcome(lf, "skipped", error="stream name is not a-z0-9_"))
                    continue
                if lf.fingerprint and (lf.key, lf.fingerprint) in unchanged:
                    flush()
                    record(FileOutcome(lf, "skipped"))
                    continue
                try:
                    data = lake.read_bytes(lf.url)
                except (OSError, LakeError) as err:  # the lake's disk or connection
                    raise Stop(err, environment_problem(err) or "an I/O error") from None
                digest = _hash(data)
                if (lf.key, digest) in done:
                    flush()
                    record(FileOutcome(lf, "skipped"))
                    if lf.fingerprint:
                        fingerprints.append([lf.fingerprint, lf.key, digest])
                    continue
                try:
                    pending = prepare(con, lake, lf, data, digest, Path(tmp))
                except BadFile as err:
                    flush()
                    bad(lf, digest, err)
                    continue
                if not pending_batch.add(pending):
                    flush()
                    pending_batch.add(pending)
            flush()
        if fingerprints:
            con.executemany(
                f"update {HISTORY_TABLE} set fingerprint = ? "
                "where file_name = ? and content_hash = ?",
                fingerprints,
            )
        where = "the final checkpoint"
        con.execute("checkpoint")
    except Stop as stop:
        raise environment_failure(stop.err, stop.what, where, report.loaded) from None
    except duckdb.Error as err:  # the warehouse itself (history, settings, checkpoint)
        what = environment_problem(err) or "the warehouse failed"
        raise environment_failure(err, what, where, report.loaded) from None
    finally:
        with contextlib.suppress(duckdb.Error):
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
