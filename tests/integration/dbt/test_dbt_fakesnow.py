"""The same dbt project on Snowflake SQL: dbt-snowflake against a local fakesnow server.

Three shops in one warehouse (support.rawshop.raw.SHOPS): the first syncs are built, then the second
ones incrementally (delete+insert on Snowflake SQL) with no look-back, so the syncs are further
apart than it: only the orders the second syncs touch are rewritten, and each shop's marts must
equal the DuckDB build to the cent. The hand-made shop's first sync carries bad records too
(support.rawshop.bad): Snowflake SQL rejects the same ones, and its marts are still the
clean DuckDB build's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.rawshop.bad import REJECTED, bad_syncs
from support.rawshop.raw import MARKER, SHOPS, load_snowflake
from support.rawshop.runner import DbtRunner, dbt_env, query
from support.servers import fakesnow_connection, fakesnow_server

from spoon.metrics import CORE_MONEY_COLUMNS, MONEY_COLUMNS


@pytest.fixture(scope="module")
def fakesnow_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    log_path = tmp_path_factory.mktemp("fakesnow") / "server.log"
    with log_path.open("wb") as log, fakesnow_server(log=log) as port:
        yield port


def _connect(port: int, database: str | None = None) -> Any:
    # a failing statement must fail the test, not be retried for minutes
    return fakesnow_connection(port, database=database, network_timeout=60, socket_timeout=60)


def _cents(value: Any) -> Decimal:
    """fakesnow returns some sums as floats: compare to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def snow_shops(
    fakesnow_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], list[tuple[Any, ...]]]:
    """One Snowflake SQL build of the three shops (support.rawshop.raw.SHOPS: the hand-made shop as
    `shopify`, the tax-inclusive EU shop as `shop_eu`, the Los Angeles shop as `shop_us`):
    the first syncs built, then the second ones incrementally (delete+insert on shop and id,
    data tests included) with no look-back, as DuckDB's built_shops: before that, the
    fct_sales rows of orders the second syncs do not touch (shop_eu's 2001, shopify's 1004)
    get MARKER in event_at_local. `shopify`'s first sync with the bad records of
    support.rawshop.bad. Returns a query function on its ANALYTICS database."""
    shops = {**SHOPS, "shopify": bad_syncs()}
    workdir = tmp_path_factory.mktemp("dbt-fakesnow")
    env = dbt_env(
        workdir,
        SPOON_SNOWFLAKE_HOST="127.0.0.1",
        SPOON_SNOWFLAKE_PORT=str(fakesnow_port),
        SPOON_SNOWFLAKE_PROTOCOL="http",
        SPOON_SNOWFLAKE_DATABASE="ANALYTICS",
        SPOON_SNOWFLAKE_RAW_DATABASE="RAW",
    )
    dbt = DbtRunner(env, "fakesnow", workdir)
    loader = _connect(fakesnow_port)
    try:
        for shop, syncs in shops.items():
            load_snowflake(loader.cursor(), [0], "RAW", syncs, shop)
        dbt("run")
        loader.cursor().execute(
            f"update ANALYTICS.MARTS.FCT_SALES set event_at_local = {MARKER} where"
            " (shop = 'shop_eu' and order_id = 2001) or (shop = 'shopify' and order_id = 1004)"
        )
        for shop, syncs in shops.items():
            if len(syncs) > 1:
                load_snowflake(loader.cursor(), [1], "RAW", syncs, shop)
        # fakesnow cannot run dbt unit tests (session temporary tables); DuckDB runs them.
        # Snowflake's default look-back (72 h) would re-read all of the first syncs (48 h
        # earlier): none makes the incremental models find the affected orders themselves.
        lookback = ["--vars", "{incremental_lookback_hours: 0}"]
        dbt("build", "--exclude-resource-type", "unit_test", *lookback)
    finally:
        loader.close()

    def query(sql: str) -> list[tuple[Any, ...]]:
        con = _connect(fakesnow_port, "ANALYTICS")
        try:
            cur = con.cursor()
            cur.execute(sql)
            return list(cur.fetchall())
        finally:
            con.close()

    return query


def test_snowflake_sql_gives_the_same_marts_as_duckdb(
    snow_shops: Callable[[str], list[tuple[Any, ...]]],
    built_duckdb: Path,
) -> None:
    """The hand-made shop (shop `shopify` of the build): the same marts as DuckDB's build of
    that shop alone, to the cent."""
    cols = ", ".join(CORE_MONEY_COLUMNS)
    shopify = "where shop = 'shopify'"
    snow_daily = {
        r[0]: (r[1], *(_cents(v) for v in r[2:]))
        for r in snow_shops(
            f"select to_varchar(date_day), orders, {cols} from marts.rpt_daily_sales {shopify}"
        )
    }
    snow_orders = {
        r[0]: (r[1], r[2], *(_cents(v) for v in r[3:]))
        for r in snow_shops(
            f"select order_id, customer_id, customer_order_seq, {cols} from marts.fct_orders"
            f" {shopify}"
        )
    }
    snow_kinds = dict(
        snow_shops(f"select event_type, count(*) from marts.fct_sales {shopify} group by 1")
    )
    snow_customers = snow_shops(f"select count(*) from marts.dim_customers {shopify}")[0][0]

    duck_daily = {
        r[0]: (r[1], *r[2:])
        for r in query(
            built_duckdb,
            f"select cast(date_day as varchar), orders, {cols} from marts.rpt_daily_sales",
        )
    }
    duck_orders = {
        r[0]: r[1:]
        for r in query(
            built_duckdb,
            f"select order_id, customer_id, customer_order_seq, {cols} from marts.fct_orders",
        )
    }
    duck_kinds = dict(
        query(built_duckdb, "select event_type, count(*) from marts.fct_sales group by 1")
    )
    assert len(duck_daily) == 54
    assert snow_daily == duck_daily
    assert snow_orders == duck_orders
    assert snow_kinds == duck_kinds
    assert snow_customers == 3


def test_snowflake_sql_gives_the_same_tax_inclusive_marts_as_duckdb(
    snow_shops: Callable[[str], list[tuple[Any, ...]]],
    built_eu_duckdb: Path,
) -> None:
    """The tax-inclusive EU shop (duties, tips, the ledger read from VARIANT JSON, the duties
    totals held as JSON text; shop `shop_eu` of the build) on Snowflake SQL: the same days and
    reconciliation as DuckDB's build of that shop alone."""
    cols = ", ".join(MONEY_COLUMNS)
    recon = "select compared_with, order_id, metric, status from marts.rpt_order_reconciliation"
    eu = "where shop = 'shop_eu'"
    snow_daily = {
        r[0]: (r[1], *(_cents(v) for v in r[2:]))
        for r in snow_shops(
            f"select to_varchar(date_day), orders, {cols} from marts.rpt_daily_sales {eu}"
        )
    }
    snow_recon = sorted(snow_shops(f"{recon} {eu}"))
    duck_daily = {
        r[0]: (r[1], *r[2:])
        for r in query(
            built_eu_duckdb,
            f"select cast(date_day as varchar), orders, {cols} from marts.rpt_daily_sales",
        )
    }
    assert snow_daily == duck_daily
    assert snow_daily["2025-03-10"][1:] == tuple(
        Decimal(v) for v in ("100.00", "0", "0", "100.00", "10.00", "0", "8.90", "118.90", "0")
    )
    assert snow_recon == sorted(query(built_eu_duckdb, recon))
    assert {row[3] for row in snow_recon} == {"agrees", "not comparable"}


def test_snowflake_sql_gives_the_same_several_shops_as_duckdb(
    snow_shops: Callable[[str], list[tuple[Any, ...]]],
    built_shops: tuple[Path, Path],
) -> None:
    """The three shops with colliding ids on Snowflake SQL: the shop read from each raw row's
    _file_name, keys and joins per shop, each shop's own time zone, the second syncs merged
    per shop and id: the same days, orders and reconciliation per shop as DuckDB's."""

    def queries(text: Callable[[str], str]) -> tuple[str, str, str]:
        """(days, orders, reconciliation) with dates as text: `text(column)`."""
        cols = ", ".join(MONEY_COLUMNS)
        return (
            f"select shop, {text('date_day')}, orders, {cols} from marts.rpt_daily_sales",
            f"select shop, order_id, customer_id, customer_order_seq, {text('order_date')},"
            f" currency, {cols} from marts.fct_orders",
            f"select shop, compared_with, order_id, {text('date_day')}, metric, status"
            " from marts.rpt_order_reconciliation",
        )

    daily, orders, recon = queries(lambda c: f"to_varchar({c})")
    snow_daily = sorted(
        ((*r[:3], *(_cents(v) for v in r[3:])) for r in snow_shops(daily)), key=repr
    )
    snow_orders = sorted(
        ((*r[:6], *(_cents(v) for v in r[6:])) for r in snow_shops(orders)), key=repr
    )
    snow_recon = sorted(snow_shops(recon), key=repr)
    snow_ids = snow_shops("select count(distinct sales_event_id), count(*) from marts.fct_sales")

    _, duck = built_shops
    duck_daily, duck_orders, duck_recon = (
        sorted(query(duck, sql), key=repr) for sql in queries(lambda c: f"cast({c} as varchar)")
    )
    assert {r[0] for r in snow_daily} == {"shopify", "shop_eu", "shop_us"}
    assert snow_daily == duck_daily
    assert snow_orders == duck_orders
    assert snow_recon == duck_recon
    events = query(duck, "select count(*) from marts.fct_sales")[0][0]
    assert snow_ids == [(events, events)]


def test_snowflake_sql_rewrites_only_the_orders_a_sync_affected(
    snow_shops: Callable[[str], list[tuple[Any, ...]]],
) -> None:
    """The second syncs did not touch shop_eu's order 2001 (shop_us' 2001 shares its id) nor
    shopify's 1004: their fct_sales rows keep the marker; the other tests show the rewritten
    rows equal DuckDB's."""
    marked = snow_shops(
        f"select shop, order_id, count(*) from marts.fct_sales where event_at_local = {MARKER}"
        " group by 1, 2 order by 1, 2"
    )
    assert marked == [("shop_eu", 2001, 2), ("shopify", 1004, 4)]


def test_the_builds_are_logged_in_snowflake_sql(
    snow_shops: Callable[[str], list[tuple[Any, ...]]],
) -> None:
    """The on-run-end hook (macros/build_log.sql) on Snowflake SQL: the `run` then the
    `build` of the fixture, each one row of audit.dbt_build_log."""
    rows = snow_shops(
        "select command, target_name, status, errors, skipped, started_at <= finished_at "
        "from audit.dbt_build_log order by started_at"
    )
    assert rows == [
        ("run", "fakesnow", "success", 0, 0, True),
        ("build", "fakesnow", "success", 0, 0, True),
    ]


def test_snowflake_sql_rejects_the_same_records_as_duckdb(
    snow_shops: Callable[[str], list[tuple[Any, ...]]],
) -> None:
    """macros/rejects.sql on Snowflake SQL (VARIANT paths, nested arrays, the writer's
    _airbyte_meta.changes as object and as text, regexp_replace without DuckDB's 'g'): the
    same rejects, one row per failed check, and none from the other shops."""
    rows = snow_shops("select shop, stream, record_id, field, reason from audit.rejected_records")
    assert {row[1:] for row in rows} == REJECTED
    assert len(rows) == len(REJECTED)
    assert {row[0] for row in rows} == {"shopify"}
