"""The production path on stand-ins (SPOON_SOURCE=airbyte, SPOON_WAREHOUSE=snowflake), shared
by its two end-to-end tests: `dag.test()` on the host
(tests/integration/airflow/test_airflow_dag_production.py) and the compose stack in Docker
(tests/stack/test_stack_production.py). Here: the settings, the fake Airbyte sync that lands
the demo shop where the connection's destination says, the bootstrap on fakesnow, and what
the tests read back (raw file names, mart sums, the same files built on DuckDB)."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb

from spoon.metrics import CORE_MONEY_COLUMNS
from spoon.orchestrate import steps
from spoon.settings import Settings, load_settings
from support.servers import FAKESNOW_CANNOT_RUN, fakesnow_settings

MONEY = CORE_MONEY_COLUMNS
BUCKET = "willows-spoon-prod-dag"
PREFIX = "lake"
PASSPHRASE = "correct horse battery staple"  # a test key's passphrase
RAW_TABLES = ("ORDERS", "CUSTOMERS", "ORDER_REFUNDS", "TRANSACTIONS")
#: the demo shop every sync lands (small: two DAG runs must fit the test budget)
DEMO_SHOP = {"SPOON_DEMO_ORDERS": "300", "SPOON_DEMO_DAYS": "45", "SPOON_DEMO_SEED": "13"}
AWS_TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
    "AWS_DEFAULT_REGION": "us-east-1",
}


def production_env(
    *, snowflake: tuple[str, int], s3_endpoint: str, airbyte_url: str, client: tuple[str, str]
) -> dict[str, str]:
    """The SPOON_* settings of production on the stand-ins: Snowflake at `snowflake` (host,
    port; http), S3 at `s3_endpoint`, Airbyte's API at `airbyte_url` with the OAuth
    `client` (id, secret). Paths are the caller's (the host's or the containers')."""
    host, port = snowflake
    return {
        "SPOON_ENV": "prod",
        "SPOON_SOURCE": "airbyte",
        "SPOON_WAREHOUSE": "snowflake",
        "SPOON_LAKE_URL": f"s3://{BUCKET}/{PREFIX}",
        "SPOON_S3_BUCKET": BUCKET,
        "SPOON_S3_PREFIX": PREFIX,
        "SPOON_AWS_ENDPOINT_URL": s3_endpoint,
        "SPOON_AWS_REGION": "us-east-1",
        "SPOON_AWS_ACCOUNT_ID": "123456789012",
        **AWS_TEST_CREDENTIALS,
        "SPOON_SNOWFLAKE_ACCOUNT": "fakesnow",
        "SPOON_SNOWFLAKE_HOST": host,
        "SPOON_SNOWFLAKE_PORT": str(port),
        "SPOON_SNOWFLAKE_PROTOCOL": "http",
        "SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": PASSPHRASE,
        "SPOON_SNOWPIPE_POLL_S": "1",
        "SPOON_SNOWPIPE_REFRESH_AFTER_S": "20",
        "SPOON_SNOWPIPE_TIMEOUT_S": "120",
        # the demo shop names its files by its own (past) sync dates: look back far enough
        "SPOON_SNOWPIPE_LOOKBACK_HOURS": str(24 * 365 * 5),
        "SPOON_AIRBYTE_URL": airbyte_url,
        "SPOON_AIRBYTE_CLIENT_ID": client[0],
        "SPOON_AIRBYTE_CLIENT_SECRET": client[1],
        "SPOON_SHOP_TIMEZONE": "America/Los_Angeles",
        **DEMO_SHOP,
    }


def lands_the_demo_shop(fake: Any, settings: Settings) -> Callable[[dict[str, Any]], None]:
    """A fake Airbyte sync (`FakeAirbyte.on_sync`): the demo shop's next sync, written where
    the connection's destination says (`s3_bucket_name`/`s3_bucket_path`/<namespace>/...)."""

    def sync(connection: dict[str, Any]) -> None:
        dest = fake.destinations[connection["destinationId"]]["configuration"]
        lake = f"s3://{dest['s3_bucket_name']}/{dest['s3_bucket_path']}"
        shop = connection.get("namespaceFormat") or settings.namespaces[0]
        steps.extract("demo", settings=settings.model_copy(update={"lake_url": lake}), shop=shop)

    return sync


def bootstrap_fakesnow(port: int, keys_dir: Path) -> Settings:
    """`spoon bootstrap snowflake`'s executable part on the fakesnow server on `port` (the
    pipes included: its Snowpipe stand-in runs them) and the service users' encrypted key
    pairs in `keys_dir`, with the settings in os.environ; returns the admin's settings."""
    from spoon.setup import sqlfiles
    from spoon.setup.connection import connect_admin
    from spoon.setup.keygen import generate_all
    from spoon.setup.snowflake import apply

    admin = fakesnow_settings(port, keys_dir)
    generate_all(admin)  # encrypted with SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE
    conn = connect_admin(admin)
    try:
        skip = FAKESNOW_CANNOT_RUN - {"CREATE PIPE"}
        apply(conn, sqlfiles.statements(admin), skip=lambda st: st.kind in skip)
    finally:
        conn.close()
    return admin


def raw_file_names(admin: Settings) -> dict[str, list[str]]:
    """Each raw table's loaded file names, one per row."""
    from spoon.setup.connection import connect_admin

    conn = connect_admin(admin)
    try:
        cur = conn.cursor()
        out = {}
        for table in RAW_TABLES:
            cur.execute(f"SELECT _file_name FROM RAW.RAW.{table}")
            out[table] = sorted(r[0] for r in cur.fetchall())
        return out
    finally:
        conn.close()


def snowflake_daily(admin: Settings) -> list[tuple[Decimal, ...]]:
    """rpt_daily_sales on Snowflake: its days and the sum of each money column."""
    from spoon.setup.connection import connect_admin

    conn = connect_admin(admin)
    try:
        cur = conn.cursor()
        cur.execute(  # fakesnow hands back SUM(NUMBER) as a float: cast it back to money
            "SELECT count(*), "
            + ", ".join(f"cast(sum({m}) as number(18, 2))" for m in MONEY)
            + " FROM ANALYTICS.MARTS.RPT_DAILY_SALES"
        )
        return [tuple(Decimal(str(v)) for v in cur.fetchone())]
    finally:
        conn.close()


def duckdb_daily(env: dict[str, str], root: Path) -> list[tuple[Decimal, ...]]:
    """The embedded path on the same lake files (`env`'s lake, dbt project and paths):
    `spoon load` and `spoon transform` into a DuckDB file; its rpt_daily_sales sums."""
    duck = {**env, "SPOON_WAREHOUSE": "duckdb", "SPOON_ENV": "dev", "SPOON_DBT_TARGET": "dev",
            "SPOON_DUCKDB_PATH": str(root / "same-lake.duckdb")}  # fmt: skip
    with mock.patch.dict(os.environ, duck):
        settings = load_settings()
        steps.load(settings)
        steps.transform(settings=settings)
    with duckdb.connect(duck["SPOON_DUCKDB_PATH"], read_only=True) as con:
        row = con.execute(
            f"select count(*), {', '.join(f'sum({m})' for m in MONEY)} from marts.rpt_daily_sales"
        ).fetchone()
    assert row is not None
    return [tuple(Decimal(str(v)) for v in row)]
