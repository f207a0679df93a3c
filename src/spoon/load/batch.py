"""The loader's batches: each new file checked before any insert (name, bytes, footer,
Airbyte columns), and files of one stream and one schema grouped to go in together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from spoon.load.faults import BadFile, Stop, classify, environment_problem
from spoon.load.lake import AIRBYTE_COLUMNS, FILE_RE, Lake, LakeFile

#: Files of one stream with one schema go into the raw table together, up to these limits,
#: in one transaction with their history rows. One `read_parquet` over many files runs on
#: every core; a statement per file left DuckDB single-threaded on each small file (2.5x the
#: wall time at 300k orders). A batch that fails is retried file by file, so one bad file is
#: quarantined alone.
BATCH_FILES = 256
BATCH_BYTES = 1 << 30


@dataclass
class Pending:
    """A new file, checked and ready to insert: where DuckDB reads it and what it holds."""

    lf: LakeFile
    digest: str
    path: str
    schema: tuple[tuple[str, str], ...]
    rows: int


def prepare(
    con: duckdb.DuckDBPyConnection, lake: Lake, lf: LakeFile, data: bytes, digest: str, tmpdir: Path
) -> Pending:
    """Check a file before any insert: name, bytes, footer, Airbyte columns. Raises BadFile."""
    if not FILE_RE.match(lf.name):
        raise BadFile("file name does not follow {YYYY}_{MM}_{DD}_{epoch_ms}_{n}.parquet")
    if not data:
        raise BadFile("empty file (0 bytes)")
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise BadFile("not a Parquet file (missing PAR1 magic; truncated or another format)")
    if lake.is_local:
        local = lf.url
    else:  # a copy DuckDB can read, named as in the lake (parse_filename gives the name back)
        folder = tmpdir / lf.stream
        folder.mkdir(exist_ok=True)
        local = str(folder / lf.name)
        try:
            Path(local).write_bytes(data)
        except OSError as err:  # the temp directory's disk
            raise Stop(err, environment_problem(err) or "an I/O error") from None
    try:
        schema = tuple(
            (str(name), str(kind))
            for name, kind, *_ in con.execute(
                "describe select * from read_parquet(?)", [local]
            ).fetchall()
        )
        rows = con.execute("select num_rows from parquet_file_metadata(?)", [local]).fetchone()
    except duckdb.Error as err:
        raise classify(err) from None
    names = {name for name, _ in schema}
    missing = [c for c in AIRBYTE_COLUMNS[:2] if c not in names]
    if missing:
        raise BadFile(f"not an Airbyte file: missing column(s) {', '.join(missing)}")
    return Pending(lf, digest, local, schema, int(rows[0]) if rows else 0)


#: DuckDB's type of a Parquet column that holds only nulls (Arrow's null type)
NULL_TYPE = '"NULL"'


def merge_schemas(
    a: tuple[tuple[str, str], ...], b: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...] | None:
    """The schema both files can be read with in one `read_parquet`, or None.

    Only when they have the same columns in the same order, and where a type differs one
    side is all nulls (a writer types an empty column as null): read by name together,
    that column is null on every row of that file, so each row's `to_json` is the same text
    as when the file is read alone.
    """
    if len(a) != len(b):
        return None
    merged = []
    for (name_a, type_a), (name_b, type_b) in zip(a, b, strict=True):
        if name_a != name_b:
            return None
        if type_a == type_b or type_b == NULL_TYPE:
            merged.append((name_a, type_a))
        elif type_a == NULL_TYPE:
            merged.append((name_b, type_b))
        else:
            return None
    return tuple(merged)


@dataclass
class Batch:
    """The files of the batch being filled, the schema they are read with (their schemas
    merged, see merge_schemas) and their bytes, kept up to date as files are added."""

    files: list[Pending] = field(default_factory=list)
    schema: tuple[tuple[str, str], ...] = ()
    size: int = 0

    def add(self, pending: Pending) -> bool:
        """Add the file if it can be read with the others within the limits; else False."""
        schema = pending.schema
        if self.files:
            merged = merge_schemas(self.schema, pending.schema)
            if (
                merged is None
                or pending.lf.stream != self.files[0].lf.stream
                or pending.lf.namespace != self.files[0].lf.namespace
                or len(self.files) >= BATCH_FILES
                or self.size + pending.lf.size > BATCH_BYTES
            ):
                return False
            schema = merged
        self.files.append(pending)
        self.schema, self.size = schema, self.size + pending.lf.size
        return True

    def clear(self) -> None:
        self.files, self.schema, self.size = [], (), 0
