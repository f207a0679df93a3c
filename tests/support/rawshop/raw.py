"""The hand-made shops as contract-2 raw tables (raw.<stream>) of DuckDB or Snowflake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from spoon.load.lake import STREAMS
from support.rawshop.blocks import Batch
from support.rawshop.eu import EU_SYNCS
from support.rawshop.us import LOADED_AT, SYNCS
from support.rawshop.west import US_WEST_SYNCS

#: shop (lake namespace) -> its syncs, for the several-shops build
SHOPS: dict[str, list[Batch]] = {"shopify": SYNCS, "shop_eu": EU_SYNCS, "shop_us": US_WEST_SYNCS}
#: put on rows the second sync must not rewrite (see the dbt tests' built_shops)
MARKER = "timestamp '2000-01-01'"


def raw_rows(
    sync: int, syncs: list[Batch] | None = None, namespace: str = "shopify"
) -> Iterator[tuple[str, str, str, datetime, str, datetime]]:
    """(stream, record json, raw id, extracted at, file name, loaded at) of one sync of
    `syncs` (default: the US shop's SYNCS), as lake namespace (shop) `namespace` wrote it."""
    loaded = LOADED_AT[sync]
    extracted = loaded - timedelta(hours=1)
    prefix = "" if namespace == "shopify" else f"{namespace}-"
    for stream, records in (syncs or SYNCS)[sync].items():
        for n, rec in enumerate(records):
            yield (
                stream,
                json.dumps(rec),
                f"{prefix}s{sync}-{stream}-{n}",
                extracted,
                f"{namespace}/{stream}/2025_05_0{sync + 1}_0_0.parquet",
                loaded,
            )


def load_duckdb(
    path: Path,
    syncs: range | list[int],
    batches: list[Batch] | None = None,
    namespace: str = "shopify",
) -> None:
    """Append the given syncs (of `batches`, default SYNCS) to raw.* of a DuckDB file, as
    lake namespace (shop) `namespace`."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        for stream in STREAMS:
            con.execute(
                f"create table if not exists raw.{stream} (record json, _airbyte_raw_id varchar,"
                " _airbyte_extracted_at timestamp, _file_name varchar, _loaded_at timestamp)"
            )
        for sync in syncs:
            rows = raw_rows(sync, batches, namespace)
            for stream, rec, raw_id, extracted, file_name, loaded in rows:
                con.execute(
                    f"insert into raw.{stream} values (?, ?, ?, ?, ?)",
                    [rec, raw_id, extracted, file_name, loaded],
                )


def load_snowflake(
    cursor: Any,
    syncs: range | list[int],
    database: str = "RAW",
    batches: list[Batch] | None = None,
    namespace: str = "shopify",
) -> None:
    """The same rows into <database>.RAW.* with VARIANT records (fakesnow or Snowflake);
    the first call creates the tables."""
    cursor.execute("show databases")
    if database.upper() not in {str(row[1]).upper() for row in cursor.fetchall()}:
        cursor.execute(f"create database {database}")
        cursor.execute(f"create schema {database}.RAW")
        for stream in STREAMS:
            cursor.execute(
                f"create table {database}.RAW.{stream} (record variant,"
                " _airbyte_raw_id varchar, _airbyte_extracted_at timestamp_ntz,"
                " _file_name varchar, _loaded_at timestamp_ntz)"
            )
    for sync in syncs:
        for stream, rec, raw_id, extracted, file_name, loaded in raw_rows(sync, batches, namespace):
            cursor.execute(
                f"insert into {database}.RAW.{stream} select parse_json(%s), %s, %s, %s, %s",
                (rec, raw_id, extracted.isoformat(sep=" "), file_name, loaded.isoformat(sep=" ")),
            )
