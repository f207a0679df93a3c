"""Each pipe's own COPY statement, run by fakesnow from the S3 stage (moto): contract-1
files become contract-2 rows, and a second COPY skips files already loaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from support.servers import fakesnow_settings

from spoon.load.lake import Lake
from spoon.settings import Settings
from spoon.setup import sqlfiles
from spoon.setup.connection import connect_admin
from spoon.setup.snowflake import apply

BUCKET = "willows-spoon-pipes"


def _settings(
    bucket: str, aws_env: str, fakesnow_port: int, tmp_path: Path, **extra: object
) -> Settings:
    """Settings for the lake in `bucket` on moto and the admin on the session's fakesnow."""
    return fakesnow_settings(
        fakesnow_port,
        tmp_path / "keys",
        s3_bucket=bucket,
        s3_prefix="lake",
        aws_account_id="123456789012",
        lake_url=f"s3://{bucket}/lake",
        aws_endpoint_url=aws_env,
        **extra,
    )


@pytest.mark.slow
def test_pipe_copy_loads_contract_1_files(
    aws_env: str, fakesnow_port: int, fakesnow_cannot_run: frozenset[str], tmp_path: Path
) -> None:
    boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    settings = _settings(BUCKET, aws_env, fakesnow_port, tmp_path, env="dev")
    lake = Lake(settings.lake_url)
    at = datetime(2026, 1, 2, 2, 30, tzinfo=UTC)
    orders = [
        {
            "id": 1001,
            "name": "#1001",
            "total_price": 12.5,
            "line_items": [{"id": 1, "quantity": 2, "price": 6.25}],
            "customer": {"id": 7, "email": "a@example.com"},
        },
        {"id": 1002, "name": "#1002", "total_price": 30.0, "line_items": [], "customer": None},
    ]
    (orders_file,) = lake.write_records("shopify", "orders", orders, extracted_at=at, sync_id=1)
    lake.write_records(
        "shopify", "shop", [{"id": 1, "iana_timezone": "Europe/Paris"}], extracted_at=at, sync_id=1
    )

    statements = sqlfiles.statements(settings)
    conn = connect_admin(settings)
    try:
        apply(conn, statements, skip=lambda st: st.kind in fakesnow_cannot_run)
        cur = conn.cursor()
        pipes = [s for s in statements if s.kind == "CREATE PIPE"]
        assert len(pipes) == len(sqlfiles.nm.STREAMS) == 9  # one per stream
        results = {}
        for st in pipes:
            cur.execute(sqlfiles.pipe_copy(st))
            results[st.sql.split()[5]] = cur.fetchall()
        assert [r[1] for r in results["RAW_DEV.RAW.ORDERS_PIPE"]] == ["LOADED"]
        assert [r[1] for r in results["RAW_DEV.RAW.SHOP_PIPE"]] == ["LOADED"]
        assert results["RAW_DEV.RAW.CUSTOMERS_PIPE"] == [("Copy executed with 0 files processed.",)]

        cur.execute(
            "SELECT record, _airbyte_raw_id, _airbyte_extracted_at, _file_name, _loaded_at "
            "FROM RAW_DEV.RAW.ORDERS ORDER BY record:id::int"
        )
        rows = cur.fetchall()
        assert len(rows) == 2
        record = json.loads(rows[0][0])
        assert record["id"] == 1001 and record["line_items"][0]["quantity"] == 2
        assert record["customer"]["email"] == "a@example.com"
        assert record["_airbyte_raw_id"] == rows[0][1]
        assert rows[0][2] == at.replace(tzinfo=None)
        assert rows[0][3] == "shopify/orders/" + orders_file.rsplit("/", 1)[1]
        assert rows[0][4] is not None

        # Snowpipe's load history: the same file is not loaded twice
        orders_pipe = next(s for s in pipes if "ORDERS_PIPE" in s.sql.split()[5])
        cur.execute(sqlfiles.pipe_copy(orders_pipe))
        assert [r[1] for r in cur.fetchall()] == ["LOAD_SKIPPED"]
        cur.execute("SELECT count(*) FROM RAW_DEV.RAW.ORDERS")
        assert cur.fetchone() == (2,)
    finally:
        conn.close()


@pytest.mark.slow
def test_each_shops_pipes_load_its_own_namespace_into_the_shared_tables(
    aws_env: str, fakesnow_port: int, fakesnow_cannot_run: frozenset[str], tmp_path: Path
) -> None:
    """Two shops: the default shop's `ORDERS_PIPE` and `SHOP_EU_ORDERS_PIPE` each copy only
    their namespace into RAW.ORDERS (the same order id stays two rows, told apart by
    `_file_name`); applying the bootstrap again changes nothing."""
    bucket = BUCKET + "-shops"
    boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1").create_bucket(Bucket=bucket)
    settings = _settings(
        bucket, aws_env, fakesnow_port, tmp_path, env="ci", lake_namespaces="shopify,shop_eu"
    )
    lake = Lake(settings.lake_url)
    at = datetime(2026, 1, 2, 2, 30, tzinfo=UTC)
    for ns in ("shopify", "shop_eu"):
        lake.write_records(ns, "orders", [{"id": 1001, "name": ns}], extracted_at=at, sync_id=1)
    statements = sqlfiles.statements(settings)
    pipes = {s.sql.split()[5]: s for s in statements if s.kind == "CREATE PIPE"}
    assert len(pipes) == 2 * len(sqlfiles.nm.STREAMS)
    conn = connect_admin(settings)
    try:
        apply(conn, statements, skip=lambda st: st.kind in fakesnow_cannot_run)
        apply(conn, statements, skip=lambda st: st.kind in fakesnow_cannot_run)  # idempotent
        cur = conn.cursor()
        loaded = {}
        for name in ("RAW_CI.RAW.ORDERS_PIPE", "RAW_CI.RAW.SHOP_EU_ORDERS_PIPE"):
            cur.execute(sqlfiles.pipe_copy(pipes[name]))
            loaded[name] = [r[0].split("/")[-3:-1] for r in cur.fetchall()]
        assert loaded["RAW_CI.RAW.ORDERS_PIPE"] == [["shopify", "orders"]]
        assert loaded["RAW_CI.RAW.SHOP_EU_ORDERS_PIPE"] == [["shop_eu", "orders"]]
        cur.execute(
            "SELECT split_part(_file_name, '/', 1), record:id::int, record:name::varchar "
            "FROM RAW_CI.RAW.ORDERS ORDER BY 1"
        )
        assert cur.fetchall() == [("shop_eu", 1001, "shop_eu"), ("shopify", 1001, "shopify")]
    finally:
        conn.close()
