"""The production load step: wait until Snowpipe has loaded every file the last sync landed.

Snowpipe loads on its own (S3 notifies each pipe's queue). This step makes the nightly run
wait for it, so dbt never builds on half-loaded raw tables:

1. list the files the last sync landed in the lake (contract 1 names carry their epoch);
2. poll `COPY_HISTORY` of each raw table until each file shows as loaded;
3. a file still unseen after SPOON_SNOWPIPE_REFRESH_AFTER_S: `ALTER PIPE ... REFRESH`
   (a missed notification; Snowpipe's load history keeps loaded files from loading twice);
4. a failed load raises with the file and Snowflake's first error; no news by
   SPOON_SNOWPIPE_TIMEOUT_S raises with the files still missing.

`wait_for_files` takes any `History` (the tests script one); `wait_for_sync` wires the real
one (`spoon load` with SPOON_WAREHOUSE=snowflake).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from spoon import names as nm
from spoon.errors import LoadError
from spoon.settings import Settings

LOADED = {"LOADED"}
FAILED = {"LOAD FAILED", "LOAD_FAILED", "PARTIALLY LOADED", "PARTIALLY_LOADED", "LOAD SKIPPED"}


@dataclass(frozen=True)
class ExpectedFile:
    """A landed file: its stream and its name relative to the lake root (= stage root)."""

    stream: str
    key: str  # e.g. shopify/orders/2026_01_02_1767312000000_0.parquet
    landed_at: datetime
    namespace: str = ""  # the shop (lake namespace); '' = the first folder of `key`

    @property
    def shop(self) -> str:
        return self.namespace or self.key.split("/", 1)[0]

    def matches(self, file_name: str) -> bool:
        name = file_name.strip()
        return name == self.key or name.endswith("/" + self.key)


@dataclass(frozen=True)
class CopyRecord:
    file_name: str
    status: str
    first_error: str | None = None
    row_count: int | None = None


class History(Protocol):
    """What the wait needs from Snowflake."""

    def copy_history(self, stream: str, since: datetime) -> list[CopyRecord]: ...

    def refresh(self, stream: str, since: datetime, namespace: str | None = None) -> None: ...


@dataclass
class WaitReport:
    loaded: list[ExpectedFile] = field(default_factory=list)
    rows: int = 0
    refreshed: list[str] = field(default_factory=list)  # pipes refreshed: stream or ns/stream
    polls: int = 0

    def __str__(self) -> str:
        extra = f"; refreshed {', '.join(self.refreshed)}" if self.refreshed else ""
        return f"{len(self.loaded)} files, {self.rows:,} rows loaded by Snowpipe{extra}"


def wait_for_files(
    history: History,
    files: Sequence[ExpectedFile],
    *,
    timeout_s: float,
    poll_s: float,
    refresh_after_s: float,
    since: datetime | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_poll: Callable[[int, int], None] | None = None,
) -> WaitReport:
    """Return when every file is loaded; raise `LoadError` on a failed load or timeout."""
    report = WaitReport()
    if not files:
        return report
    start_ts = since or (min(f.landed_at for f in files) - timedelta(minutes=10))
    pending: dict[str, ExpectedFile] = {f.key: f for f in files}
    started = clock()
    refreshed: set[tuple[str, str]] = set()
    several = len({f.shop for f in files}) > 1
    while True:
        report.polls += 1
        for stream in sorted({f.stream for f in pending.values()}):
            records = history.copy_history(stream, start_ts)
            for f in [p for p in pending.values() if p.stream == stream]:
                # the newest load of the file counts: a file that failed, was fixed and
                # loaded after a refresh has both rows (the history is oldest first)
                rec = next((r for r in reversed(records) if f.matches(r.file_name)), None)
                if rec is None:
                    continue
                status = rec.status.strip().upper()
                if status in LOADED:
                    report.loaded.append(f)
                    report.rows += rec.row_count or 0
                    del pending[f.key]
                elif status in FAILED:
                    raise LoadError(
                        f"Snowpipe could not load {f.key} (shop {f.shop}) into {stream.upper()} "
                        f"({rec.status}): {rec.first_error or 'no error message'}; fix the "
                        "file or the pipe, then `ALTER PIPE ... REFRESH` and re-run the load"
                    )
        if on_poll:
            on_poll(len(report.loaded), len(files))
        if not pending:
            return report
        elapsed = clock() - started
        if elapsed >= refresh_after_s:
            # each shop's stream has its own pipe (and S3 notification)
            for shop, stream in sorted({(f.shop, f.stream) for f in pending.values()} - refreshed):
                history.refresh(stream, start_ts, shop)
                refreshed.add((shop, stream))
                report.refreshed.append(f"{shop}/{stream}" if several else stream)
        if elapsed >= timeout_s:
            first = sorted(pending)[0]
            shops = ", ".join(sorted({f.shop for f in pending.values()}))
            raise LoadError(
                f"timed out after {timeout_s:.0f}s waiting for Snowpipe: {len(pending)} of "
                f"{len(files)} files not loaded (e.g. {first}; shops {shops}); check the pipe with "
                "SYSTEM$PIPE_STATUS and the bucket notification, or raise "
                "SPOON_SNOWPIPE_TIMEOUT_S"
            )
        sleep(min(poll_s, timeout_s - elapsed))


# ---- the real history -------------------------------------------------------------------------
class SnowflakeHistory:
    """`COPY_HISTORY` and `ALTER PIPE ... REFRESH` on a Snowflake connection."""

    def __init__(self, conn: Any, names: nm.SnowflakeNames) -> None:
        self.conn = conn
        self.names = names

    def copy_history(self, stream: str, since: datetime) -> list[CopyRecord]:
        sql = (
            "SELECT file_name, status, first_error_message, row_count "
            f"FROM TABLE({self.names.raw_db}.INFORMATION_SCHEMA.COPY_HISTORY("
            "TABLE_NAME => %(table)s, START_TIME => TO_TIMESTAMP_LTZ(%(since)s))) "
            "ORDER BY last_load_time"
        )
        cur = self.conn.cursor()
        try:
            cur.execute(
                sql,
                {"table": self.names.table(stream), "since": since.astimezone(UTC).isoformat()},
            )
            rows = cur.fetchall()
        finally:
            cur.close()
        return [
            CopyRecord(str(r[0]), str(r[1]), r[2], int(r[3]) if r[3] is not None else None)
            for r in rows
        ]

    def refresh(self, stream: str, since: datetime, namespace: str | None = None) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute(
                f"ALTER PIPE {self.names.pipe(stream, namespace)} "
                "REFRESH MODIFIED_AFTER = %(since)s",
                {"since": since.astimezone(UTC).isoformat()},
            )
        finally:
            cur.close()


# ---- the step ----------------------------------------------------------------------------------
def landed_files(
    settings: Settings, *, now: datetime | None = None, hours: int | None = None
) -> list[ExpectedFile]:
    """Files of the last sync of every shop: lake files of known streams landed in the last
    `hours`, under each of SPOON_LAKE_NAMESPACES."""
    from spoon.load.lake import FILE_RE, Lake

    now = now or datetime.now(UTC)
    cutoff = now - timedelta(hours=hours or settings.snowpipe_lookback_hours)
    out: list[ExpectedFile] = []
    lake = Lake(settings.lake_url)
    for lf in [lf for ns in settings.namespaces for lf in lake.list_files(ns)]:
        m = FILE_RE.match(lf.name)
        if lf.stream not in nm.STREAMS or not m:
            continue
        landed = datetime.fromtimestamp(int(m.group(4)) / 1000, tz=UTC)
        if landed >= cutoff:
            out.append(ExpectedFile(lf.stream, lf.key, landed, lf.namespace))
    return out


def wait_for_sync(
    settings: Settings,
    files: Sequence[ExpectedFile] | None = None,
    *,
    history: History | None = None,
    timeout_s: float | None = None,
    poll_s: float | None = None,
    on_poll: Callable[[int, int], None] | None = None,
) -> WaitReport:
    """Wait for Snowpipe to load `files` (default: the last sync's, from the lake)."""
    expected = list(files) if files is not None else landed_files(settings)
    if not expected:
        return WaitReport()
    conn = None
    if history is None:
        from spoon.setup.connection import connect_loader

        conn = connect_loader(settings)
        history = SnowflakeHistory(conn, nm.snowflake_names(settings))
    try:
        return wait_for_files(
            history,
            expected,
            timeout_s=timeout_s if timeout_s is not None else settings.snowpipe_timeout_s,
            poll_s=poll_s if poll_s is not None else settings.snowpipe_poll_s,
            refresh_after_s=settings.snowpipe_refresh_after_s,
            on_poll=on_poll,
        )
    finally:
        if conn is not None:
            conn.close()
