"""The production load step (`spoon load`, SPOON_WAREHOUSE=snowflake) against Snowpipe's
stand-in (support/snowpipe_standin.py): the pipes `snowflake/07_pipes.sql` creates load
each file the demo shop lands on (moto) S3 once, the step's wait sees them through
COPY_HISTORY, refreshes the pipes of files staged before their pipe existed, and names a
file Snowpipe could not load."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest
from support.servers import fakesnow_settings

from spoon.errors import LoadError
from spoon.load.lake import Lake
from spoon.load.snowpipe import wait_for_sync
from spoon.names import snowflake_names
from spoon.orchestrate import steps
from spoon.settings import Settings
from spoon.setup import sqlfiles
from spoon.setup.connection import connect_admin
from spoon.setup.keygen import generate_all
from spoon.setup.snowflake import apply

pytestmark = [pytest.mark.slow]


def _settings(port: int, tmp_path: Path, name: str, endpoint: str) -> Settings:
    """A production shop (its own bucket and RAW_<name> database) on the stand-ins."""
    bucket = f"willows-spoon-pipe-{name}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    settings = fakesnow_settings(
        port,
        tmp_path / "keys",
        env="prod",
        warehouse="snowflake",
        lake_url=f"s3://{bucket}/lake",
        s3_bucket=bucket,
        s3_prefix="lake",
        aws_account_id="123456789012",
        snowflake_env_suffix=f"_{name.upper()}",
        duckdb_path=tmp_path / "unused.duckdb",
        truth_dir=tmp_path / "truth",
        demo_orders=120,
        demo_days=20,
        demo_seed=5,
        snowpipe_poll_s=1,
        snowpipe_timeout_s=30,
        snowpipe_refresh_after_s=0,
        # the demo shop names its files by its own (past) sync dates: look back far enough
        snowpipe_lookback_hours=24 * 365 * 5,
    )
    generate_all(settings)  # the loader's key pair: the step logs in as LOADER
    return settings


def _bootstrap(settings: Settings, cannot_run: frozenset[str]) -> None:
    """The executable part of `spoon bootstrap snowflake`, the pipes included."""
    conn = connect_admin(settings)
    try:
        apply(conn, sqlfiles.statements(settings), skip=lambda st: st.kind in cannot_run)
    finally:
        conn.close()


def _raw_counts(settings: Settings) -> dict[str, int]:
    raw = f"RAW_{settings.snowflake_env_suffix.strip('_')}"
    conn = connect_admin(settings)
    try:
        cur = conn.cursor()
        out = {}
        for stream in ("ORDERS", "CUSTOMERS", "ORDER_REFUNDS"):
            cur.execute(f"SELECT COUNT(*), COUNT(DISTINCT _file_name) FROM {raw}.RAW.{stream}")
            rows, files = cur.fetchone()
            out[stream.lower()] = rows
            out[f"{stream.lower()} files"] = files
        return out
    finally:
        conn.close()


def _lake_rows(settings: Settings, endpoint: str) -> dict[str, int]:
    """Rows of each stream's files in the lake, read with pyarrow (not through Snowflake)."""
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    out: dict[str, int] = {}
    for f in Lake(settings.lake_url).list_files("shopify"):
        body = s3.get_object(Bucket=settings.s3_bucket, Key=f"lake/{f.key}")["Body"].read()
        out[f.stream] = out.get(f.stream, 0) + pq.read_metadata(io.BytesIO(body)).num_rows
    return out


@pytest.fixture()
def cannot_run(fakesnow_cannot_run: frozenset[str]) -> frozenset[str]:
    """The stand-in runs PIPE statements: only the rest is skipped."""
    return fakesnow_cannot_run - {"CREATE PIPE"}


def test_each_landed_file_is_loaded_once_and_a_second_load_adds_nothing(
    fakesnow_port: int, aws_env: str, tmp_path: Path, cannot_run: frozenset[str]
) -> None:
    settings = _settings(fakesnow_port, tmp_path, "once", aws_env)
    _bootstrap(settings, cannot_run)  # the pipes first: S3 notifies them of every new file
    steps.extract("demo", settings=settings)
    files = Lake(settings.lake_url).list_files("shopify")
    lake = _lake_rows(settings, aws_env)

    first = steps.load(settings)
    assert first.detail == f"{len(files)} files, {sum(lake.values()):,} rows loaded by Snowpipe"
    counts = _raw_counts(settings)
    assert counts["orders"] == lake["orders"] > 100
    assert counts["customers"] == lake["customers"] > 0
    assert counts["order_refunds"] == lake["order_refunds"] > 0
    assert counts["orders files"] == len([f for f in files if f.stream == "orders"])

    # the nightly run again: the same files are in COPY_HISTORY, nothing loads twice
    again = steps.load(settings)
    assert again.detail == first.detail
    assert _raw_counts(settings) == counts


def test_files_staged_before_their_pipe_load_after_a_refresh_only(
    fakesnow_port: int, aws_env: str, tmp_path: Path, cannot_run: frozenset[str]
) -> None:
    """Snowpipe is not notified of files that landed before the pipe existed."""
    settings = _settings(fakesnow_port, tmp_path, "late", aws_env)
    steps.extract("demo", settings=settings)
    _bootstrap(settings, cannot_run)
    files = Lake(settings.lake_url).list_files("shopify")

    never = settings.model_copy(update={"snowpipe_refresh_after_s": 3600})
    timed_out = f"timed out after 1s waiting for Snowpipe: {len(files)} of {len(files)} files"
    with pytest.raises(LoadError, match=timed_out):
        wait_for_sync(never, timeout_s=1, poll_s=0.2)
    assert _raw_counts(settings)["orders"] == 0

    report = wait_for_sync(settings)
    streams = sorted({f.stream for f in files})
    assert report.refreshed == streams and len(report.loaded) == len(files)
    assert _raw_counts(settings)["orders"] == _lake_rows(settings, aws_env)["orders"]


def test_a_file_snowpipe_cannot_load_fails_the_step_with_its_name(
    fakesnow_port: int, aws_env: str, tmp_path: Path, cannot_run: frozenset[str]
) -> None:
    settings = _settings(fakesnow_port, tmp_path, "bad", aws_env)
    _bootstrap(settings, cannot_run)
    steps.extract("demo", settings=settings)
    # a file of this sync that is not Parquet inside (before this process lists the lake:
    # s3fs caches listings per process)
    bad = f"shopify/orders/{Lake.file_name(datetime.now(UTC), 7)}"
    boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1").put_object(
        Bucket=settings.s3_bucket, Key=f"lake/{bad}", Body=b"PAR1 not really parquet"
    )
    with pytest.raises(LoadError) as raised:
        steps.load(settings)
    line = str(raised.value)
    assert line.startswith(
        f"Snowpipe could not load {bad} (shop shopify) into ORDERS (Load failed): "
    )
    assert "\n" not in line and line.endswith("then `ALTER PIPE ... REFRESH` and re-run the load")
    files = Lake(settings.lake_url).list_files("shopify")
    orders = [f for f in files if f.stream == "orders"]
    assert _raw_counts(settings)["orders files"] == len(orders) - 1  # all but the bad one

    # what the line says to do: fix the file, refresh the pipe, run the load again
    s3 = boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1")
    good = next(f for f in orders if not f.key.endswith(bad))
    body = s3.get_object(Bucket=settings.s3_bucket, Key=f"lake/{good.key}")["Body"].read()
    s3.put_object(Bucket=settings.s3_bucket, Key=f"lake/{bad}", Body=body)
    conn = connect_admin(settings)
    try:
        conn.cursor().execute(f"ALTER PIPE {snowflake_names(settings).pipe('orders')} REFRESH")
    finally:
        conn.close()
    assert steps.load(settings).detail.startswith(f"{len(files)} files, ")
    assert _raw_counts(settings)["orders files"] == len(orders)
