"""The same dbt project on Snowflake SQL: dbt-snowflake against a local fakesnow server.

Sync 1 is built, then sync 2 is built incrementally (delete+insert on Snowflake SQL);
the marts must equal the DuckDB build to the cent.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import snowflake.connector

MONEY = ("gross_sales", "discounts", "returns", "net_sales", "shipping", "taxes", "total_sales")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"fakesnow exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"fakesnow did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def fakesnow_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("fakesnow") / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "fakesnow"),
            "-s",
            "--host",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _connect(port: int, database: str | None = None) -> Any:
    return snowflake.connector.connect(
        user="fake",
        password="fake",
        account="fakesnow",
        host="127.0.0.1",
        port=port,
        protocol="http",
        database=database,
        # a failing statement must fail the test, not be retried for minutes
        network_timeout=60,
        socket_timeout=60,
    )


def _cents(value: Any) -> Decimal:
    """fakesnow returns some sums as floats: compare to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_snowflake_sql_gives_the_same_marts_as_duckdb(
    fakesnow_port: int,
    built_duckdb: Path,
    rawshop: SimpleNamespace,
    tmp_path: Path,
) -> None:
    env = rawshop.dbt_env(
        tmp_path,
        SPOON_SNOWFLAKE_HOST="127.0.0.1",
        SPOON_SNOWFLAKE_PORT=str(fakesnow_port),
        SPOON_SNOWFLAKE_PROTOCOL="http",
        SPOON_SNOWFLAKE_DATABASE="ANALYTICS",
        SPOON_SNOWFLAKE_RAW_DATABASE="RAW",
    )
    dbt = rawshop.DbtRunner(env, "fakesnow", tmp_path)
    loader = _connect(fakesnow_port)
    try:
        rawshop.load_snowflake(loader.cursor(), [0])
        # fakesnow cannot run dbt unit tests (session temporary tables); DuckDB runs them
        dbt("build", "--exclude-resource-type", "unit_test")
        rawshop.load_snowflake(loader.cursor(), [1])
        dbt("build", "--exclude-resource-type", "unit_test")
    finally:
        loader.close()

    cols = ", ".join(MONEY)
    con = _connect(fakesnow_port, "ANALYTICS")
    try:
        cur = con.cursor()
        cur.execute(f"select to_varchar(date_day), orders, {cols} from marts.rpt_daily_sales")
        snow_daily = {r[0]: (r[1], *(_cents(v) for v in r[2:])) for r in cur.fetchall()}
        cur.execute(
            f"select order_id, customer_id, customer_order_seq, {cols} from marts.fct_orders"
        )
        snow_orders = {r[0]: (r[1], r[2], *(_cents(v) for v in r[3:])) for r in cur.fetchall()}
        cur.execute("select event_type, count(*) from marts.fct_sales group by 1")
        snow_kinds = dict(cur.fetchall())
        cur.execute("select count(*) from marts.dim_customers")
        snow_customers = cur.fetchone()[0]
    finally:
        con.close()

    duck_daily = {
        r[0]: (r[1], *r[2:])
        for r in rawshop.query(
            built_duckdb,
            f"select cast(date_day as varchar), orders, {cols} from marts.rpt_daily_sales",
        )
    }
    duck_orders = {
        r[0]: r[1:]
        for r in rawshop.query(
            built_duckdb,
            f"select order_id, customer_id, customer_order_seq, {cols} from marts.fct_orders",
        )
    }
    duck_kinds = dict(
        rawshop.query(built_duckdb, "select event_type, count(*) from marts.fct_sales group by 1")
    )
    assert len(duck_daily) == 54
    assert snow_daily == duck_daily
    assert snow_orders == duck_orders
    assert snow_kinds == duck_kinds
    assert snow_customers == 3


def test_snowflake_sql_gives_the_same_tax_inclusive_marts_as_duckdb(
    fakesnow_port: int,
    built_eu_duckdb: Path,
    rawshop: SimpleNamespace,
    tmp_path: Path,
) -> None:
    """The tax-inclusive EU shop (duties, tips, the ledger read from VARIANT JSON, the duties
    totals held as JSON text) on Snowflake SQL: the same days and reconciliation."""
    env = rawshop.dbt_env(
        tmp_path,
        SPOON_SNOWFLAKE_HOST="127.0.0.1",
        SPOON_SNOWFLAKE_PORT=str(fakesnow_port),
        SPOON_SNOWFLAKE_PROTOCOL="http",
        SPOON_SNOWFLAKE_DATABASE="ANALYTICS_EU",
        SPOON_SNOWFLAKE_RAW_DATABASE="RAW_EU",
    )
    dbt = rawshop.DbtRunner(env, "fakesnow", tmp_path)
    loader = _connect(fakesnow_port)
    try:
        rawshop.load_snowflake(loader.cursor(), [0], "RAW_EU", rawshop.EU_SYNCS)
        dbt("build", "--exclude-resource-type", "unit_test")
    finally:
        loader.close()

    cols = ", ".join(rawshop.MONEY_ALL)
    recon = "select compared_with, order_id, metric, status from marts.rpt_order_reconciliation"
    con = _connect(fakesnow_port, "ANALYTICS_EU")
    try:
        cur = con.cursor()
        cur.execute(f"select to_varchar(date_day), orders, {cols} from marts.rpt_daily_sales")
        snow_daily = {r[0]: (r[1], *(_cents(v) for v in r[2:])) for r in cur.fetchall()}
        cur.execute(recon)
        snow_recon = sorted(cur.fetchall())
    finally:
        con.close()
    duck_daily = {
        r[0]: (r[1], *r[2:])
        for r in rawshop.query(
            built_eu_duckdb,
            f"select cast(date_day as varchar), orders, {cols} from marts.rpt_daily_sales",
        )
    }
    assert snow_daily == duck_daily
    assert snow_daily["2025-03-10"][1:] == tuple(
        Decimal(v) for v in ("100.00", "0", "0", "100.00", "10.00", "0", "8.90", "118.90", "0")
    )
    assert snow_recon == sorted(rawshop.query(built_eu_duckdb, recon))
    assert {row[3] for row in snow_recon} == {"agrees", "not comparable"}
