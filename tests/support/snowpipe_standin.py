"""Snowpipe, as far as the nightly load sees it, inside the fakesnow server (fakesnow_s3.py).

fakesnow 0.12 cannot run PIPE statements nor the COPY_HISTORY table function. This adds
them, faithful to Snowflake's documented behaviour, using each pipe's own `COPY INTO` (the
one `snowflake/07_pipes.sql` creates) on fakesnow's COPY:

- `CREATE PIPE [IF NOT EXISTS] <name> ... AS COPY INTO ...` keeps the pipe and the files
  already staged under its path when it was created.
- Auto-ingest: a Parquet file that lands under a pipe's stage path *after* the pipe was
  created is loaded once by that pipe (an S3 event notification). Files staged before the
  pipe existed are not: they need `ALTER PIPE ... REFRESH`, as on Snowflake. Notifications
  are delivered when someone looks (a COPY_HISTORY query or a refresh), which is all a
  client can observe of their timing. (SYSTEM$PIPE_STATUS is not stood in for.)
- `ALTER PIPE <name> REFRESH [PREFIX = '<p>'] [MODIFIED_AFTER = '<ts>']` queues the staged
  files modified after `<ts>` (default: the last 7 days) that the pipe has not loaded: a
  file that failed is tried again, a loaded one never.
- `TABLE(<db>.INFORMATION_SCHEMA.COPY_HISTORY(TABLE_NAME => '<t>', START_TIME => <ts>
  [, END_TIME => <ts>]))` (literal times only):
  the pipes' loads into `<t>` since `<ts>`: FILE_NAME (the path relative to the stage),
  STATUS ('Loaded', 'Load failed'), FIRST_ERROR_MESSAGE, ROW_COUNT, LAST_LOAD_TIME,
  PIPE_NAME. A file is loaded at most once per table (fakesnow's load history skips it).

A file the COPY cannot read is 'Load failed' with the first line of the error, and is not
retried until a refresh, as Snowpipe leaves failed files alone. A pipe's COPY runs in the
pipe's schema on the caller's session, whose database and schema are put back after.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import fakesnow.copy_into as ci
from fakesnow.cursor import FakeSnowflakeCursor
from fakesnow.dialect import parse_one

CREATE_PIPE = re.compile(
    r"^\s*CREATE\s+(?P<replace>OR\s+REPLACE\s+)?PIPE\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>[\w.$\"]+)"
    r".*?\bAS\s+(?P<copy>COPY\s+INTO\b.*?)\s*;?\s*$",
    re.I | re.S,
)
ALTER_PIPE_REFRESH = re.compile(
    r"^\s*ALTER\s+PIPE\s+(?P<name>[\w.$\"]+)\s+REFRESH"
    r"(?:\s+PREFIX\s*=\s*'(?P<prefix>[^']*)')?"
    r"(?:\s+MODIFIED_AFTER\s*=\s*'(?P<after>[^']*)')?\s*;?\s*$",
    re.I | re.S,
)
COPY_HISTORY = re.compile(
    r"\bTABLE\s*\(\s*(?P<db>[\w$\"]+)\.INFORMATION_SCHEMA\.COPY_HISTORY\s*\(", re.I
)
ARG = re.compile(
    r"(?P<key>TABLE_NAME|START_TIME|END_TIME)\s*=>\s*(?P<value>[^,]+?)\s*(?=,|$)", re.I
)
#: COPY_HISTORY's columns (those a client reads) and their types
HISTORY_COLUMNS = {
    "file_name": "VARCHAR",
    "status": "VARCHAR",
    "first_error_message": "VARCHAR",
    "row_count": "NUMBER",
    "last_load_time": "TIMESTAMP_LTZ",
    "pipe_name": "VARCHAR",
    "table_name": "VARCHAR",
}


@dataclass
class Pipe:
    name: str  # DB.SCHEMA.NAME, upper case
    copy: str  # the pipe's COPY INTO statement
    table: str  # the target table's name, upper case
    seen: set[str] = field(default_factory=set)  # files it was notified of (loaded or failed)
    loaded: set[str] = field(default_factory=set)  # files it loaded
    #: files already staged when it was created: S3 never notifies it of those (S3 times
    #: are whole seconds, too coarse to tell a file of the same second)
    before: set[str] = field(default_factory=set)
    queued: set[str] = field(default_factory=set)  # files a notification or refresh queued
    source: str = ""  # the URL its COPY reads (the stage's URL and the COPY's path)
    root: str = ""  # the stage's URL: FILE_NAMEs are relative to it


@dataclass(frozen=True)
class Load:
    file_name: str
    status: str
    first_error_message: str | None
    row_count: int
    last_load_time: datetime
    pipe_name: str
    table_name: str
    database: str


class Snowpipe:
    """The pipes of one fakesnow server and their load history."""

    def __init__(self, list_files: Any) -> None:
        #: url -> [(file url, last modified)] under it (s3fs on moto)
        self.list_files = list_files
        self.pipes: dict[str, Pipe] = {}
        self.history: list[Load] = []
        self.lock = threading.RLock()

    # ---- statements -------------------------------------------------------------------
    def handle(self, cur: FakeSnowflakeCursor, command: str) -> str | None:
        """The SQL fakesnow runs instead of `command`, or None when it is not ours."""
        if m := CREATE_PIPE.match(command):
            return self._create(cur, m)
        if m := ALTER_PIPE_REFRESH.match(command):
            return self._refresh(cur, m)
        if m := COPY_HISTORY.search(command):
            return self._history(cur, command, m)
        return None

    def _create(self, cur: FakeSnowflakeCursor, m: re.Match[str]) -> str:
        name = self._qualified(cur, m["name"])
        with self.lock:
            if name in self.pipes and not m["ine"] and not m["replace"]:
                raise _error(f"SQL compilation error:\nObject '{name}' already exists.", 2002)
            if name not in self.pipes or m["replace"]:  # a new pipe: a new load history
                table = ci._extract_table(parse_one(m["copy"]).this)
                pipe = Pipe(name, m["copy"], table.name.upper())
                pipe.before = {url for url, _ in self._staged(cur, pipe)}
                self.pipes[name] = pipe
        short = name.rsplit(".", 1)[-1]
        return f"SELECT 'Pipe {short} successfully created.' AS status"

    def _refresh(self, cur: FakeSnowflakeCursor, m: re.Match[str]) -> str:
        name = self._qualified(cur, m["name"])
        after = _timestamp(m["after"]) if m["after"] else _now() - timedelta(days=7)
        with self.lock:
            pipe = self.pipes.get(name)
            if pipe is None:
                raise _error(
                    f"SQL compilation error:\nPipe '{name}' does not exist or not authorized.", 2003
                )
            self._deliver(cur)
            staged = self._staged(cur, pipe)
            queued = sorted(
                url for url, modified in staged
                if modified >= after and url not in pipe.loaded
                and (not m["prefix"] or _relative(pipe, url).startswith(m["prefix"]))
            )  # fmt: skip
            pipe.queued.update(queued)
            self._load(cur, pipe)
        if not queued:
            return "SELECT NULL::VARCHAR AS file, NULL::VARCHAR AS status WHERE FALSE"
        rows = ", ".join(f"('{_relative(pipe, u)}', 'SENT')" for u in queued)
        return f"SELECT * FROM (VALUES {rows}) AS t(file, status)"

    def _history(self, cur: FakeSnowflakeCursor, command: str, m: re.Match[str]) -> str:
        close = _closing(command, m.end())  # of COPY_HISTORY(
        end = _closing(command, close + 1)  # of TABLE(
        args = {a["key"].upper(): a["value"] for a in ARG.finditer(command[m.end() : close])}
        if "TABLE_NAME" not in args or "START_TIME" not in args:
            raise _error("SQL compilation error: COPY_HISTORY takes TABLE_NAME, START_TIME", 1044)
        table = _literal(args["TABLE_NAME"]).upper().rsplit(".", 1)[-1]
        since = _timestamp(_literal(args["START_TIME"]))
        until = _timestamp(_literal(args["END_TIME"])) if "END_TIME" in args else None
        database = _unquote(m["db"]).upper()
        with self.lock:
            self._deliver(cur)
            loads = [
                h for h in self.history
                if h.table_name == table and h.database == database and h.last_load_time >= since
                and (until is None or h.last_load_time <= until)
            ]  # fmt: skip
        return command[: m.start()] + _values(loads) + command[end + 1 :]

    # ---- loading ------------------------------------------------------------------------
    def _deliver(self, cur: FakeSnowflakeCursor) -> None:
        """S3's notifications: every file staged since its pipe was created."""
        for pipe in self.pipes.values():
            pipe.queued.update(
                url for url, _ in self._staged(cur, pipe)
                if url not in pipe.before and url not in pipe.seen
            )  # fmt: skip
            self._load(cur, pipe)

    def _staged(self, cur: FakeSnowflakeCursor, pipe: Pipe) -> list[tuple[str, datetime]]:
        _resolve(cur, pipe)
        return [(u, t) for u, t in self.list_files(pipe.source) if u.endswith(".parquet")]

    def _load(self, cur: FakeSnowflakeCursor, pipe: Pipe) -> None:
        _resolve(cur, pipe)
        schema = pipe.name.rsplit(".", 1)[0]  # a pipe's COPY runs in the pipe's schema
        for url in sorted(pipe.queued):
            pipe.queued.discard(url)
            pipe.seen.add(url)
            copy = _with_files(pipe.copy, [url[len(pipe.source) :]])
            conn = cur._conn
            before = (conn.database, conn.schema) if conn.database and conn.schema else None
            try:
                with conn.cursor() as run:
                    run.execute(f"USE SCHEMA {schema}")
                    try:
                        run.execute(copy)
                        rows = run.fetchall()
                    finally:  # the caller's session as it was
                        if before is not None:
                            run.execute(f"USE SCHEMA {before[0]}.{before[1]}")
            except Exception as err:  # Snowpipe records any failure
                self._record(pipe, url, "Load failed", 0, _first_line(err))
                continue
            for row in rows:
                if row[1] == "LOADED":
                    pipe.loaded.add(url)
                    self._record(pipe, url, "Loaded", int(row[3] or 0), None)

    def _record(self, pipe: Pipe, url: str, status: str, rows: int, error: str | None) -> None:
        database = pipe.name.split(".")[0]
        load = Load(
            _relative(pipe, url), status, error, rows, _now(), pipe.name, pipe.table, database
        )
        self.history.append(load)

    # ---- names --------------------------------------------------------------------------
    @staticmethod
    def _qualified(cur: FakeSnowflakeCursor, name: str) -> str:
        parts = [_unquote(p).upper() for p in name.split(".")]
        conn = cur._conn
        if len(parts) == 1:
            parts = [conn.database or "", conn.schema or "PUBLIC", *parts]
        elif len(parts) == 2:
            parts = [conn.database or "", *parts]
        return ".".join(parts)


def _resolve(cur: FakeSnowflakeCursor, pipe: Pipe) -> None:
    """Fill in where the pipe's COPY reads (its stage's URL and path), once."""
    if pipe.source:
        return
    expr = parse_one(pipe.copy)
    var = ci._from_source(expr)[1:]  # e.g. RAW.RAW.LAKE/shopify/orders/
    db, schema = pipe.name.split(".")[:2]
    table = ci._extract_table(expr.this)
    url = ci.stage_url_from_var(var, cur._duck_conn, db, schema, None, table)
    pipe.source = url.rstrip("/") + "/"
    within = var.partition("/")[2].strip("/")
    pipe.root = pipe.source[: len(pipe.source) - len(within) - 1] if within else pipe.source


def _relative(pipe: Pipe, url: str) -> str:
    """The file's path relative to its stage (what Snowflake reports as FILE_NAME)."""
    return url[len(pipe.root) :] if url.startswith(pipe.root) else url


def _closing(text: str, start: int) -> int:
    """The index of the `)` closing the parenthesis opened just before `start`."""
    depth, quoted = 1, False
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth == 0:
                return i
    raise _error("SQL compilation error: unbalanced parentheses in COPY_HISTORY", 1003)


def _with_files(copy: str, files: list[str]) -> str:
    """The pipe's COPY restricted to `files` (relative to its FROM path)."""
    names = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    at = re.search(r"\bFILE_FORMAT\s*=", copy, re.I)
    if at is None:
        return f"{copy.rstrip().rstrip(';')} FILES = ({names})"
    return f"{copy[: at.start()]}FILES = ({names})\n{copy[at.start() :]}"


def _values(loads: list[Load]) -> str:
    """COPY_HISTORY's rows as a subquery fakesnow can run."""
    if not loads:
        nulls = ", ".join(f"NULL::{kind} AS {column}" for column, kind in HISTORY_COLUMNS.items())
        return f"(SELECT {nulls} WHERE FALSE)"
    rows = ", ".join(
        f"({_sql(h.file_name)}, {_sql(h.status)}, {_sql(h.first_error_message)}, "
        f"{h.row_count}, '{h.last_load_time.isoformat()}'::TIMESTAMP_LTZ, {_sql(h.pipe_name)}, "
        f"{_sql(h.table_name)})"
        for h in loads
    )
    return f"(SELECT * FROM (VALUES {rows}) AS t({', '.join(HISTORY_COLUMNS)}))"


def _sql(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _literal(text: str) -> str:
    """'X' or TO_TIMESTAMP_LTZ('X') -> X."""
    m = re.search(r"'((?:[^']|'')*)'", text)
    return m.group(1).replace("''", "'") if m else text.strip()


def _unquote(name: str) -> str:
    return name.strip().strip('"')


def _timestamp(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "msg", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _error(msg: str, errno: int) -> Exception:
    import snowflake.connector.errors

    return snowflake.connector.errors.ProgrammingError(msg=msg, errno=errno, sqlstate="42000")


def install(snowpipe: Snowpipe) -> None:
    """Route fakesnow's cursors through `snowpipe` for the statements it stands in for."""
    original = FakeSnowflakeCursor.execute

    def execute(self: FakeSnowflakeCursor, command: str, *args: Any, **kwargs: Any) -> Any:
        replacement = snowpipe.handle(self, command) if isinstance(command, str) else None
        if replacement is None:
            return original(self, command, *args, **kwargs)
        return original(self, replacement)

    FakeSnowflakeCursor.execute = execute  # type: ignore[method-assign]
