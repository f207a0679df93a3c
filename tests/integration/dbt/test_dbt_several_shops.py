"""Several shops in one warehouse (DESIGN.md contract 4, issue 19): three lake namespaces
(support.rawshop.raw.SHOPS: the New York shop `shopify`, the tax-inclusive Berlin shop
`shop_eu` in EUR and the Los Angeles shop `shop_us`) whose order, line, refund, customer,
product and variant ids collide, built into one DuckDB warehouse (conftest.built_shops).

Each shop's marts must be exactly what that shop gives built alone, each in its own time zone
and currency, and the incremental build must equal a full refresh."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from support.fixture_marts import SALES_MARTS
from support.rawshop.raw import MARKER

from spoon.metrics import CORE_MONEY_COLUMNS, MONEY_COLUMNS

D = Decimal
Z = "0.00"
#: marts compared shop by shop with the single-shop builds (dim_dates is shared, dim_shops new)
MARTS = (*SALES_MARTS, "rpt_order_reconciliation")
#: surrogate keys: the default shop's are md5 of the ids alone, another shop's include it
KEYS = ("sales_event_id", "reconciliation_id")
# shop_us, hand-computed: date -> (orders, gross, discounts, returns, net, shipping, taxes,
# total, new customers, returning customers)
SHOP_US_DAYS = {
    # order 2001: 2 x 25.00 at 20:00 on 03-09 in Los Angeles (03-10 in New York and Berlin)
    "2025-03-09": (1, "50.00", Z, Z, "50.00", Z, Z, "50.00", 1, 0),
    # order 1003: 40.00 + 3.00 tax + 7.00 shipping at 23:30 on 03-31 (04-01 in New York)
    "2025-03-31": (1, "40.00", Z, Z, "40.00", "7.00", "3.00", "50.00", 0, 1),
    # order 2001 cancelled (second sync)
    "2025-04-02": (0, Z, Z, "50.00", "-50.00", Z, Z, "-50.00", 0, 0),
    # refund 501 of order 1003's line at 22:00 on 04-05 (04-06 in UTC)
    "2025-04-05": (0, Z, Z, "40.00", "-40.00", Z, "-3.00", "-43.00", 0, 0),
}


def _columns(db: Path, schema: str, table: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    return [r[0] for r in rows]


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


def test_an_order_id_of_two_shops_stays_two_orders_with_its_own_date_and_currency(
    built_shops: tuple[Path, Path],
) -> None:
    incremental, _ = built_shops
    orders = _rows(
        incremental,
        "select shop, order_id, cast(order_date as varchar), cast(processed_at_local as varchar),"
        " currency, customer_id, gross_sales, returns, total_sales"
        " from marts.fct_orders where order_id in (1003, 2001)",
    )
    got = {(r[0], r[1]): r[2:] for r in orders}
    assert set(got) == {("shop_eu", 2001), ("shop_us", 2001), ("shop_us", 1003), ("shopify", 1003)}
    # each its own shop's local date and currency ...
    assert got[("shop_eu", 2001)][:3] == ("2025-03-10", "2025-03-10 10:00:00", "EUR")
    assert got[("shop_us", 2001)][:3] == ("2025-03-09", "2025-03-09 20:00:00", "USD")
    assert got[("shop_us", 1003)][:3] == ("2025-03-31", "2025-03-31 23:30:00", "USD")
    assert got[("shopify", 1003)][:3] == ("2025-03-31", "2025-03-31 23:30:00", "USD")
    # ... its own customer (customer 9001 of shop_us is not shopify's 9001; shop_eu's buyer
    # is a guest by e-mail) and its own lines, refunds and cancellation
    assert got[("shop_eu", 2001)][3].startswith("email:")
    assert got[("shop_us", 2001)][3:] == ("9001", D("50.00"), D("50.00"), D(Z))
    assert got[("shop_us", 1003)][3:] == ("9001", D("40.00"), D("40.00"), D("7.00"))
    assert got[("shopify", 1003)][3:] == ("9002", D("30.00"), D(Z), D("30.00"))
    assert got[("shop_eu", 2001)][4:] == (D("100.00"), D(Z), D("118.90"))

    # refund 501 of each shop returns its own order's line on its own local day
    refunds = _rows(
        incremental,
        "select shop, order_id, order_line_id, cast(event_date as varchar), returns"
        " from marts.fct_sales where refund_id = 501",
    )
    assert refunds == [
        ("shop_us", 1003, 14, "2025-04-05", D("40.00")),
        ("shopify", 1001, 11, "2025-04-15", D("17.00")),
    ]
    ids = _rows(incremental, "select count(distinct sales_event_id), count(*) from marts.fct_sales")
    assert ids[0][0] == ids[0][1]

    customers = _rows(
        incremental,
        "select shop, orders_count, net_sales, province from marts.dim_customers"
        " where customer_id = '9001'",
    )
    assert customers == [("shop_us", 2, D(Z), "California"), ("shopify", 3, D("12.00"), "Maine")]
    variants = _rows(
        incremental, "select shop, product_title from marts.dim_products where variant_id = 101"
    )
    assert variants == [("shop_us", "Ladle"), ("shopify", "Spoon")]
    shops = _rows(incremental, "select shop, currency, iana_timezone from marts.dim_shops")
    assert shops == [
        ("shop_eu", "EUR", "Europe/Berlin"),
        ("shop_us", "USD", "America/Los_Angeles"),
        ("shopify", "USD", "America/New_York"),
    ]


def test_each_shops_marts_equal_that_shop_built_alone(
    built_shops: tuple[Path, Path], built_duckdb: Path, built_eu_duckdb: Path
) -> None:
    """shopify's marts equal the single-shop build of its syncs to the last column and key,
    shop_eu's those of EU_SYNCS built alone (its surrogate keys aside: they include the shop):
    nothing of one shop leaks into another's rows, keys or local dates."""
    _, full = built_shops
    for shop, alone, skip in (("shopify", built_duckdb, ()), ("shop_eu", built_eu_duckdb, KEYS)):
        for table in MARTS:
            columns = [c for c in _columns(full, "marts", table) if c not in ("shop", *skip)]
            assert columns, table
            select = ", ".join(f'"{c}"' for c in columns)
            ours = _rows(full, f"select {select} from marts.{table} where shop = '{shop}'")
            theirs = _rows(alone, f"select {select} from marts.{table}")
            assert ours, (shop, table)
            assert ours == theirs, (shop, table)


def test_each_shops_daily_sales_are_its_own_in_its_own_time_zone(
    built_shops: tuple[Path, Path],
) -> None:
    _, full = built_shops
    cols = "cast(date_day as varchar), orders, " + ", ".join(CORE_MONEY_COLUMNS)
    rows = _rows(
        full,
        f"select {cols}, new_customers, returning_customers from marts.rpt_daily_sales"
        " where shop = 'shop_us'",
    )
    report = {r[0]: r[1:] for r in rows}
    # one row per day from the shop's own first to its own last day, zero days included
    assert min(report) == "2025-03-09" and max(report) == "2025-04-05"
    assert len(report) == (date(2025, 4, 5) - date(2025, 3, 9)).days + 1
    for day, values in report.items():
        want = SHOP_US_DAYS.get(day, (0, *[Z] * 7, 0, 0))
        assert values == (want[0], *(D(v) for v in want[1:8]), want[8], want[9]), day
    # 23:30 on 03-31 in Los Angeles is 04-01 in New York: nothing of shop_us on 04-01
    assert report["2025-04-01"][0] == 0

    # every shop's days add up to its own orders, column by column, and never to another's
    sums = ", ".join(f"sum({m})" for m in MONEY_COLUMNS)
    daily = _rows(full, f"select shop, {sums} from marts.rpt_daily_sales group by shop")
    orders = _rows(full, f"select shop, {sums} from marts.fct_orders group by shop")
    assert daily == orders
    assert [r[0] for r in daily] == ["shop_eu", "shop_us", "shopify"]
    us_total = {r[0]: r[8] for r in daily}["shop_us"]
    assert us_total == D("7.00")
    days = _rows(full, "select shop, count(*) from marts.rpt_daily_sales group by shop")
    assert dict(days) == {"shop_eu": 231, "shop_us": 28, "shopify": 54}


def test_incremental_build_of_several_shops_equals_a_full_refresh(
    built_shops: tuple[Path, Path],
) -> None:
    """The second sync changed shop_us' order 2001 (cancelled) and shopify's orders 1001,
    1002, 1003, 1007, 1008: shop_eu's order 2001, which shares the id, and shopify's 1004 are
    not rewritten (they keep the marker), and every table of every layer equals a full
    refresh of the same raw rows."""
    incremental, full = built_shops
    marked = _rows(
        incremental,
        f"select shop, order_id, count(*) from marts.fct_sales"
        f" where event_at_local = {MARKER} group by 1, 2",
    )
    assert marked == [("shop_eu", 2001, 2), ("shopify", 1004, 4)]
    cancelled = _rows(
        incremental,
        "select event_type, cast(event_date as varchar), returns from marts.fct_sales"
        " where shop = 'shop_us' and order_id = 2001",
    )
    assert cancelled == [("cancellation", "2025-04-02", D("50.00")), ("sale", "2025-03-09", D(Z))]

    compared = 0
    for schema in ("staging", "intermediate", "marts"):
        with duckdb.connect(str(full), read_only=True) as con:
            tables = [
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = ?",
                    [schema],
                ).fetchall()
            ]
        for table in tables:
            keep = "* exclude (event_at_local)" if table == "fct_sales" else "*"
            sql = f"select {keep} from {schema}.{table}"
            assert _rows(incremental, sql) == _rows(full, sql), f"{schema}.{table}"
            compared += 1
    assert compared >= 30
    # the second sync reached both shops it had rows for
    loaded = _rows(full, "select shop, max(_loaded_at) from staging.stg_shopify__orders group by 1")
    assert loaded == [
        ("shop_eu", datetime(2025, 5, 1, 6)),
        ("shop_us", datetime(2025, 5, 3, 6)),
        ("shopify", datetime(2025, 5, 3, 6)),
    ]
