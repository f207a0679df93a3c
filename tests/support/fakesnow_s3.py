"""A fakesnow server that reads an S3 stage from a local moto server, run as a script:

    python fakesnow_s3.py PORT S3_ENDPOINT [HOST]

(HOST: 127.0.0.1 unless given; the production stack test's container listens on 0.0.0.0)

fakesnow 0.12 runs COPY on DuckDB, which cannot load its httpfs extension offline; here
DuckDB reads `s3://` through s3fs (pointed at moto) instead. Two things Snowpipe's COPY
uses that fakesnow lacks are added, faithfully to Snowflake's documented meaning:
bare `$1` (the whole Parquet row as one VARIANT) and the METADATA$FILENAME (path relative
to the stage) / METADATA$START_SCAN_TIME columns. Snowpipe itself (pipes, auto-ingest,
`ALTER PIPE ... REFRESH`, COPY_HISTORY) is stood in for by snowpipe_standin.py, on the same
COPY. Everything else is fakesnow as shipped.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import fakesnow

_serve = fakesnow.server  # the context manager; importing the submodule shadows it
import fakesnow.copy_into as ci  # noqa: E402
import fakesnow.server as fs_server  # noqa: E402
from sqlglot import exp  # noqa: E402

_stage_base: dict[str, str] = {}


def _stage_url_from_var(var: str, *args: Any, **kwargs: Any) -> str:
    url = _orig_stage_url_from_var(var, *args, **kwargs)
    path = var.partition("/")[2]
    base = url[: len(url) - len(path)] if path and url.endswith(path) else url
    _stage_base["url"] = base.rstrip("/") + "/"
    return url


def _inserts(expr: exp.Copy, params: Any, urls: list[str], parquet_info: Any = None) -> list[Any]:
    from_ = expr.args["files"][0]
    if not isinstance(from_, exp.Subquery):
        return _orig_inserts(expr, params, urls, parquet_info)
    out = []
    base = _stage_base.get("url", "")
    for url in urls:
        select = from_.this.copy()
        rel = url[len(base) :] if base and url.startswith(base) else url
        for node in list(select.find_all(exp.Parameter)):
            if node.name == "1" and isinstance(node.parent, exp.Select):
                node.replace(exp.func("to_json", exp.column("_fs_row")))
        for col in list(select.find_all(exp.Column)):
            name = col.name.upper()
            if name == "METADATA$FILENAME":
                col.replace(exp.Literal.string(rel))
            elif name == "METADATA$START_SCAN_TIME":
                col.replace(exp.func("current_timestamp"))
        columns = ci._strip_json_extract(select).expressions
        table = exp.Table(
            this=params.file_format.read_expression(url),
            alias=exp.TableAlias(this=exp.to_identifier("_fs_row")),
        )
        out.append(
            exp.Insert(this=expr.this, expression=exp.Select(expressions=columns).from_(table))
        )
    return out


_orig_stage_url_from_var = ci.stage_url_from_var
_orig_inserts = ci._inserts


def install(duck_conn: Any, s3_endpoint: str) -> None:
    import s3fs
    import snowpipe_standin

    # no listings cache: files land between two COPYs of one server (as on real S3)
    fs = s3fs.S3FileSystem(
        endpoint_url=s3_endpoint,
        key="testing",
        secret="testing",
        use_listings_cache=False,
        skip_instance_cache=True,
    )
    duck_conn.register_filesystem(fs)
    ci.stage_url_from_var = _stage_url_from_var
    ci._inserts = _inserts
    snowpipe_standin.install(snowpipe_standin.Snowpipe(_lister(fs)))


def _lister(fs: Any) -> Any:
    """url -> [(file url, last modified)] of every object under it."""

    def list_files(url: str) -> list[tuple[str, Any]]:
        try:
            found = fs.find(url.removeprefix("s3://"), detail=True)
        except FileNotFoundError:
            return []
        return [
            ("s3://" + name, info["LastModified"])
            for name, info in sorted(found.items())
            if info.get("type") == "file"
        ]

    return list_files


def main() -> None:
    port, endpoint = int(sys.argv[1]), sys.argv[2]
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    install(fs_server.shared_fs.duck_conn, endpoint)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with _serve(port=port, host=host):
        stop.wait()


if __name__ == "__main__":
    main()
