"""The lake: Parquet files laid out as Airbyte's S3 destination writes them (contract 1).

`{LAKE}/{namespace}/{stream}/{YYYY}_{MM}_{DD}_{epoch_ms}_{n}.parquet`

The same code serves a local folder (`data/lake`, `file://…`) and S3 (`s3://bucket/prefix`)
through fsspec. Files appear atomically: written under a hidden temporary name and renamed
locally; on S3 an object only becomes visible once its upload completes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from spoon.errors import LakeError
from spoon.files import atomic_write
from spoon.stream_schemas import Node, column, complete, declared, stream_schema

#: The Shopify streams of contract 1 (one folder each in the lake, one raw table each).
STREAMS: tuple[str, ...] = (
    "shop",
    "customers",
    "products",
    "product_variants",
    "locations",
    "orders",
    "order_refunds",
    "transactions",
    "order_agreements",
)
FILE_RE = re.compile(r"^(\d{4})_(\d{2})_(\d{2})_(\d+)_(\d+)\.parquet$")
AIRBYTE_COLUMNS = (
    "_airbyte_raw_id",
    "_airbyte_extracted_at",
    "_airbyte_generation_id",
    "_airbyte_meta",
)


@dataclass(frozen=True)
class LakeFile:
    """One landed file."""

    url: str  # full URL or local path, usable with `Lake.fs`
    namespace: str
    stream: str
    name: str
    size: int
    #: what the listing says about this version of the file (size and S3 ETag or local
    #: modification time): a file listed again with the same fingerprint is unchanged
    fingerprint: str = ""

    @property
    def key(self) -> str:
        """The file's name relative to the lake root (what Snowpipe calls the file name)."""
        return f"{self.namespace}/{self.stream}/{self.name}"


def _fingerprint(info: dict[str, Any], size: int) -> str:
    """Size plus the S3 ETag (a digest of the content) or the local modification time."""
    version = info.get("ETag") or info.get("etag") or info.get("mtime")
    if version is None or version == "":
        return ""  # unknown: the loader hashes the file
    etag_or_mtime = str(version).strip('"')  # S3 quotes its ETags
    return f"{size}:{etag_or_mtime}"


def _split(url: str, storage_options: dict[str, Any] | None = None) -> tuple[Any, str]:
    if url.startswith("file://"):
        url = url[len("file://") :]
    try:
        fs, root = fsspec.core.url_to_fs(url, **(storage_options or {}))
    except (ImportError, ValueError) as err:
        raise LakeError(f"cannot open lake {url!r}: {err}; check SPOON_LAKE_URL") from None
    return fs, root.rstrip("/")


def lake_problem(err: BaseException, url: str) -> str | None:
    """One line for an error of the lake's storage (S3 or disk), or None if it is none."""
    detail = " ".join(str(err).split())[:200] or type(err).__name__
    name = type(err).__name__
    endpoint = os.environ.get("SPOON_AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
    if name in ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"):
        return (
            f"no AWS credentials for {url} ({detail}): set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment or .env"
        )
    code = ""
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
    if code in ("NoSuchBucket", "404") or isinstance(err, FileNotFoundError):
        return f"the lake {url} does not exist ({detail}): check SPOON_LAKE_URL"
    denied = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}
    if code in denied or isinstance(err, PermissionError):
        return (
            f"access denied to {url} ({detail}): check the AWS credentials and that they may "
            "list and read the bucket (s3:ListBucket, s3:GetObject)"
        )
    connection = ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError")
    if name in connection or "ConnectionError" in name or "Connector" in name:
        where = endpoint or "AWS"
        return (
            f"cannot reach S3 at {where} for {url} ({detail}): check SPOON_AWS_ENDPOINT_URL "
            "and the network"
        )
    if isinstance(err, OSError):
        return f"cannot use the lake {url} ({detail})"
    if type(err).__module__.startswith(("botocore", "aiobotocore", "aiohttp", "s3fs")):
        return f"S3 failed for {url} ({detail})"
    return None


@contextlib.contextmanager
def lake_errors(url: str) -> Iterator[None]:
    """Storage errors (no credentials, access denied, endpoint down, I/O) as one LakeError."""
    try:
        yield
    except LakeError:
        raise
    except Exception as err:
        problem = lake_problem(err, url)
        if problem is None:
            raise
        raise LakeError(problem) from None


def s3_storage_options() -> dict[str, Any]:
    """Endpoint override for S3 (a moto server in tests, MinIO, …)."""
    endpoint = os.environ.get("SPOON_AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
    return {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}


class Lake:
    """A lake at a URL: local path, `file://…` or `s3://bucket/prefix`."""

    def __init__(self, url: str, storage_options: dict[str, Any] | None = None) -> None:
        self.url = url
        if storage_options is None and url.startswith("s3://"):
            storage_options = s3_storage_options()
        self.fs, self.root = _split(url, storage_options)
        self.is_local = "file" in (
            self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        )

    # ---- paths ---------------------------------------------------------------------
    def stream_dir(self, namespace: str, stream: str) -> str:
        return f"{self.root}/{namespace}/{stream}"

    @staticmethod
    def file_name(extracted_at: datetime, part: int) -> str:
        ts = extracted_at.astimezone(UTC)
        epoch_ms = int(ts.timestamp() * 1000)
        return f"{ts:%Y_%m_%d}_{epoch_ms}_{part}.parquet"

    # ---- writing ---------------------------------------------------------------------
    def write_table(self, namespace: str, stream: str, table: pa.Table, name: str) -> str:
        """Write one Parquet file atomically; returns its path."""
        directory = self.stream_dir(namespace, stream)
        final = f"{directory}/{name}"
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="snappy")
        data = buf.getvalue()
        with lake_errors(self.url):
            self._put(directory, name, final, data)
        return final

    def _put(self, directory: str, name: str, final: str, data: bytes) -> None:
        if self.is_local:
            atomic_write(final, data)
        else:
            self.fs.pipe_file(final, data)

    def write_records(
        self,
        namespace: str,
        stream: str,
        records: Iterable[dict[str, Any]],
        *,
        extracted_at: datetime,
        sync_id: int,
        generation_id: int = 0,
        chunk_size: int = 50_000,
        raw_id_seed: str = "",
        first_part: int = 0,
    ) -> list[str]:
        """Write records of one stream as one or more files of one sync.

        `_airbyte_raw_id` is derived from `raw_id_seed`, the stream and the record's
        position, so the same input gives byte-identical files. Files are numbered from
        `first_part`, so one sync can write a stream in several calls.
        """
        paths: list[str] = []
        extracted = extracted_at.astimezone(UTC)
        for part, chunk in enumerate(_chunks(records, chunk_size), start=first_part):
            raw_ids = [
                str(
                    uuid.UUID(
                        bytes=hashlib.sha256(
                            f"{raw_id_seed}/{stream}/{sync_id}/{part}/{i}".encode()
                        ).digest()[:16],
                        version=4,
                    )
                )
                for i in range(len(chunk))
            ]
            table = records_to_table(
                chunk,
                stream,
                raw_ids=raw_ids,
                extracted_at=extracted,
                generation_id=generation_id,
                sync_id=sync_id,
            )
            paths.append(
                self.write_table(namespace, stream, table, self.file_name(extracted, part))
            )
        return paths

    # ---- reading ---------------------------------------------------------------------
    def require(self) -> None:
        """The lake itself exists (its folder, or its S3 bucket), else a LakeError: a lake
        that is not there is a wrong SPOON_LAKE_URL, never an empty night."""
        with lake_errors(self.url):
            if self.is_local:
                found = Path(self.root).is_dir()
                what = "folder"
            elif self.url.startswith("s3://"):
                bucket, _, prefix = self.root.partition("/")
                what = f"bucket {bucket!r}"
                try:  # not fs.exists: it answers False for no credentials or no endpoint
                    top = self.fs.ls(bucket, detail=False)
                    found = True
                except FileNotFoundError:
                    found = False
                if found and prefix and not self._has_objects(self.root):
                    # S3 has no folders: a prefix nothing was written under is a wrong
                    # SPOON_LAKE_URL (or no sync yet), never an empty night
                    held = ", ".join(sorted(p.rsplit("/", 1)[-1] + "/" for p in top)[:5])
                    raise LakeError(
                        f"the lake {self.url} does not exist (nothing under prefix {prefix!r}"
                        f" of bucket {bucket!r}, which holds {held or 'nothing'}): check"
                        " SPOON_LAKE_URL, or run the first sync"
                    )
            else:
                return
        if not found:
            raise LakeError(
                f"the lake {self.url} does not exist (no such {what}): check SPOON_LAKE_URL, "
                "or run `spoon extract` to create it"
            )

    def _has_objects(self, path: str) -> bool:
        """Some object's key starts with `path/` (one list of its first level)."""
        try:
            return bool(self.fs.ls(path, detail=False))
        except FileNotFoundError:
            return False

    def list_files(self, namespace: str) -> list[LakeFile]:
        """Every landed Parquet file of a namespace, oldest first within a stream (none when
        the lake has no folder for the namespace yet; a LakeError when there is no lake)."""
        self.require()
        with lake_errors(self.url):
            return self._list_files(namespace)

    def _list_files(self, namespace: str) -> list[LakeFile]:
        base = f"{self.root}/{namespace}"
        if not self.fs.exists(base):
            return []
        found: list[LakeFile] = []
        for stream_path in sorted(self.fs.ls(base, detail=False)):
            stream = stream_path.rstrip("/").rsplit("/", 1)[-1]
            if stream.startswith(("_", ".")) or not self.fs.isdir(stream_path):
                continue
            for info in self.fs.ls(stream_path, detail=True):
                name = info["name"].rstrip("/").rsplit("/", 1)[-1]
                if name.startswith(".") or not name.endswith(".parquet"):
                    continue
                size = int(info["size"])
                found.append(
                    LakeFile(info["name"], namespace, stream, name, size, _fingerprint(info, size))
                )
        return sorted(found, key=lambda f: (f.stream, _sort_key(f.name)))

    def read_bytes(self, path: str) -> bytes:
        with lake_errors(self.url), self.fs.open(path, "rb") as fh:
            data: bytes = fh.read()
            return data

    def move(self, path: str, dest_url: str) -> str:
        """Move a file to a destination folder URL (used for quarantine)."""
        fs, root = _split(dest_url, s3_storage_options() if dest_url.startswith("s3://") else {})
        dest = f"{root}/{path.rsplit('/', 1)[-1]}"
        if fs is self.fs or type(fs) is type(self.fs):
            if self.is_local:
                Path(root).mkdir(parents=True, exist_ok=True)
            self.fs.mv(path, dest)
        else:  # pragma: no cover - cross-filesystem quarantine
            fs.pipe_file(dest, self.read_bytes(path))
            self.fs.rm(path)
        return dest


def _sort_key(name: str) -> tuple[int, int, str]:
    m = FILE_RE.match(name)
    if not m:
        return (0, 0, name)
    return (int(m.group(4)), int(m.group(5)), name)


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for rec in records:
        chunk.append(rec)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


#: Airbyte's own columns, typed as its S3 destination writes them
META_TYPE = pa.struct(
    [
        ("sync_id", pa.int64()),
        (
            "changes",
            pa.list_(
                pa.struct(
                    [("field", pa.string()), ("change", pa.string()), ("reason", pa.string())]
                )
            ),
        ),
    ]
)


def records_to_table(
    records: list[dict[str, Any]],
    stream: str | None = None,
    *,
    raw_ids: list[str],
    extracted_at: datetime,
    generation_id: int = 0,
    sync_id: int = 0,
) -> pa.Table:
    """Records of one stream as an Arrow table typed from the stream's JSON schema (see
    `spoon.stream_schemas`): every declared field a column, whatever the first record
    holds; undeclared fields kept, typed from all the records."""
    schema = stream_schema(stream) if stream else None
    top = declared(schema) if schema is not None else Node("struct")
    if top.kind != "struct":
        raise LakeError(f"the schema of stream {stream!r} is not an object")
    names: dict[str, None] = dict.fromkeys(top.fields)
    for rec in records:
        for key in rec:
            if key not in names and key not in AIRBYTE_COLUMNS:
                names[key] = None
    n = len(records)
    changes: list[list[dict[str, str]]] = [[] for _ in range(n)]
    arrays: list[pa.Array] = [
        pa.array(raw_ids, type=pa.string()),
        pa.array([extracted_at] * n, type=pa.timestamp("us", tz="UTC")),
        pa.array([generation_id] * n, type=pa.int64()),
    ]
    columns: list[pa.Array] = []
    for name in names:
        values = [rec.get(name) for rec in records]
        node = complete(top.fields.get(name, Node("any")), values)
        try:
            array, row_changes = column(name, node, values)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as err:  # pragma: no cover - a bug
            raise LakeError(f"{stream}.{name}: values do not fit {node.arrow()}: {err}") from None
        columns.append(array)
        for row, found in zip(changes, row_changes, strict=True):
            row.extend(found)
    arrays.append(pa.array([{"sync_id": sync_id, "changes": c} for c in changes], type=META_TYPE))
    return pa.Table.from_arrays(arrays + columns, names=[*AIRBYTE_COLUMNS, *names])
