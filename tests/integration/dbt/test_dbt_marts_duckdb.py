"""dbt build on DuckDB over the hand-made shop: every mart value checked by hand."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from support.rawshop.raw import load_duckdb
from support.rawshop.runner import fresh_warehouse, query

from spoon.metrics import CORE_MONEY_COLUMNS

D = Decimal


# date -> (orders, gross, discounts, returns, net, shipping, taxes, total, new, returning)
EXPECTED_DAYS = {
    "2025-03-10": (1, "55.00", "10.00", "0.00", "45.00", "5.00", "4.00", "54.00", 1, 0),
    "2025-03-20": (1, "50.00", "0.00", "0.00", "50.00", "8.00", "4.80", "62.80", 0, 1),
    "2025-03-25": (0, "0.00", "0.00", "0.00", "0.00", "-8.00", "-0.80", "-8.80", 0, 0),
    "2025-03-26": (0, "0.00", "0.00", "55.00", "-55.00", "0.00", "-4.00", "-59.00", 0, 0),
    "2025-03-31": (1, "30.00", "0.00", "0.00", "30.00", "0.00", "2.40", "32.40", 1, 0),
    "2025-04-02": (0, "0.00", "0.00", "0.00", "0.00", "0.00", "-2.40", "-2.40", 0, 0),
    "2025-04-05": (1, "25.00", "0.00", "0.00", "25.00", "6.00", "2.00", "33.00", 1, 0),
    "2025-04-06": (0, "0.00", "0.00", "25.00", "-25.00", "-6.00", "-2.00", "-33.00", 0, 0),
    "2025-04-10": (1, "40.00", "0.00", "40.00", "0.00", "0.00", "0.00", "0.00", 0, 1),
    "2025-04-15": (0, "0.00", "0.00", "17.00", "-17.00", "0.00", "-1.36", "-18.36", 0, 0),
    "2025-04-20": (1, "54.00", "4.00", "0.00", "50.00", "0.00", "0.00", "50.00", 0, 1),
    "2025-05-02": (0, "0.00", "0.00", "11.00", "-11.00", "0.00", "-0.88", "-11.88", 0, 0),
}
# order -> (customer key, seq, order date, gross, discounts, returns, net, shipping, taxes, total)
EXPECTED_ORDERS = {
    1001: ("9001", 1, "2025-03-10", "55.00", "10.00", "28.00", "17.00", "5.00", "1.76", "23.76"),
    1002: ("9001", 2, "2025-03-20", "50.00", "0.00", "55.00", "-5.00", "0.00", "0.00", "-5.00"),
    1003: ("9002", 1, "2025-03-31", "30.00", "0.00", "0.00", "30.00", "0.00", "0.00", "30.00"),
    1004: ("order:1004", 1, "2025-04-05", "25.00", "0.00", "25.00", "0.00", "0.00", "0.00", "0.00"),
    1005: ("9001", 3, "2025-04-10", "40.00", "0.00", "40.00", "0.00", "0.00", "0.00", "0.00"),
    1007: ("9002", 2, "2025-04-20", "54.00", "4.00", "0.00", "50.00", "0.00", "0.00", "50.00"),
}
TOTALS = ("254.00", "14.00", "148.00", "92.00", "5.00", "1.76", "98.76")


def test_daily_sales_match_hand_computed_days(built_duckdb: Path) -> None:
    cols = "cast(date_day as varchar), orders, " + ", ".join(CORE_MONEY_COLUMNS)
    rows = query(
        built_duckdb,
        f"select {cols}, new_customers, returning_customers from marts.rpt_daily_sales",
    )
    report = {r[0]: r[1:] for r in rows}
    # one row per day from the first to the last event date, zero days included
    assert min(report) == "2025-03-10" and max(report) == "2025-05-02"
    assert len(report) == (date(2025, 5, 2) - date(2025, 3, 10)).days + 1
    for day, values in report.items():
        want = EXPECTED_DAYS.get(day, (0, *["0.00"] * 7, 0, 0))
        expected = (want[0], *(D(v) for v in want[1:8]), want[8], want[9])
        assert values == expected, day
    # 23:30 local on 03-31 is 04-01 in UTC: nothing may land on 04-01
    assert report["2025-04-01"][0] == 0


def test_orders_carry_all_their_events_and_customer_keys(built_duckdb: Path) -> None:
    rows = query(
        built_duckdb,
        "select order_id, customer_id, customer_order_seq, cast(order_date as varchar), "
        + ", ".join(CORE_MONEY_COLUMNS)
        + " from marts.fct_orders",
    )
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(EXPECTED_ORDERS), "test (1006) and deleted (1008) orders are excluded"
    for order_id, want in EXPECTED_ORDERS.items():
        assert got[order_id] == (*want[:3], *(D(v) for v in want[3:])), order_id


def test_money_totals_reconcile_and_are_decimals(built_duckdb: Path) -> None:
    sums = ", ".join(f"sum({m})" for m in CORE_MONEY_COLUMNS)
    daily = query(built_duckdb, f"select {sums} from marts.rpt_daily_sales")[0]
    sales = query(built_duckdb, f"select {sums} from marts.fct_sales")[0]
    orders = query(built_duckdb, f"select {sums} from marts.fct_orders")[0]
    assert daily == sales == orders == tuple(D(v) for v in TOTALS)
    types = query(
        built_duckdb,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and column_name in "
        "('gross_sales','discounts','returns','net_sales','shipping','taxes','total_sales',"
        "'average_order_value','price')",
    )
    assert len(types) > 20
    assert {t[2] for t in types} == {"DECIMAL(18,2)"}, types


def test_sales_events_of_the_tricky_orders(built_duckdb: Path) -> None:
    rows = query(
        built_duckdb,
        "select order_id, event_type, cast(event_date as varchar), quantity, returns, shipping,"
        " taxes, total_sales from marts.fct_sales order by order_id, event_type, event_date",
    )
    events = {(r[0], r[1], r[2]): r[3:] for r in rows}
    # O5: cancelled with a full refund: the cancellation rows exist and add nothing
    assert events[(1005, "cancellation", "2025-04-10")] == (0, D(0), D(0), D(0), D(0))
    assert events[(1005, "shipping_cancellation", "2025-04-10")] == (0, D(0), D(0), D(0), D(0))
    # O4: cancelled without refund: reversed entirely on the cancellation date
    assert events[(1004, "cancellation", "2025-04-06")] == (
        -2,
        D("25.00"),
        D(0),
        D("-2.00"),
        D("-27.00"),
    )
    # O2: refund discrepancy of -5.00 adds 5.00 to returns
    assert events[(1002, "adjustment", "2025-03-26")] == (0, D("5.00"), D(0), D(0), D("-5.00"))
    # O3: no row for the gift-card line, a tax-only refund two days later
    assert [k for k in events if k[0] == 1003] == [
        (1003, "return", "2025-04-02"),
        (1003, "sale", "2025-03-31"),
    ]
    ids = query(
        built_duckdb, "select count(distinct sales_event_id), count(*) from marts.fct_sales"
    )
    assert ids == [(23, 23)]


def test_customers_products_and_reports(built_duckdb: Path) -> None:
    q = query
    customers = q(
        built_duckdb,
        "select customer_id, customer_type, orders_count, net_sales, is_returning, "
        "cast(first_order_date as varchar), country from marts.dim_customers order by 1",
    )
    assert customers == [
        ("9001", "customer", 3, D("12.00"), True, "2025-03-10", "United States"),
        ("9002", "customer", 2, D("80.00"), True, "2025-03-31", "Canada"),
        ("order:1004", "guest", 1, D("0.00"), False, "2025-04-05", "United States"),
    ]
    top = q(built_duckdb, "select rank, customer_id from marts.rpt_top_customers order by 1, 2")
    assert top == [(1, "9002"), (2, "9001"), (3, "order:1004")]
    products = q(
        built_duckdb,
        "select variant_id, product_title, variant_title, sku, is_in_catalogue "
        "from marts.dim_products order by 1",
    )
    assert [p[0] for p in products] == [101, 102, 103, 104, 105]
    assert products[0] == (101, "Spoon", "Small", "SP-S", True)
    assert products[4][1] == "Old mug" and products[4][4] is False
    cohorts = q(
        built_duckdb,
        "select cast(cohort_month as varchar), months_since_first_order, customers, "
        "active_customers, net_sales, retention_rate from marts.rpt_customer_cohorts order by 1, 2",
    )
    assert cohorts == [
        ("2025-03-01", 0, 2, 2, D("42.00"), D("1.0000")),
        ("2025-03-01", 1, 2, 2, D("50.00"), D("1.0000")),
        ("2025-04-01", 0, 1, 1, D("0.00"), D("1.0000")),
    ]
    growth = q(built_duckdb, "select year, quarter, net_sales, qoq_growth from marts.rpt_growth")
    assert sorted(growth) == [(2025, 1, D("70.00"), None), (2025, 2, D("22.00"), D("-0.6857"))]
    geo = q(
        built_duckdb,
        "select city, orders, net_sales, total_sales from marts.rpt_sales_by_geo order by 1",
    )
    assert geo == [("Bangor", 1, D("-5.00"), D("-5.00")), ("Portland", 5, D("97.00"), D("103.76"))]
    aov = q(
        built_duckdb,
        "select average_order_value from marts.rpt_daily_sales where date_day = '2025-03-10'",
    )
    assert aov == [(D("45.00"),)]
    dates = q(built_duckdb, "select count(*), min(date_day), max(date_day) from marts.dim_dates")
    assert dates == [(365, date(2025, 1, 1), date(2025, 12, 31))]


def test_no_raw_email_reaches_the_marts(built_duckdb: Path) -> None:
    columns = query(
        built_duckdb,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'",
    )
    assert columns
    for table, column in columns:
        leaks = query(
            built_duckdb, f"select count(*) from marts.{table} where \"{column}\" like '%@%'"
        )
        assert leaks == [(0,)], (table, column)


def test_incremental_run_equals_full_refresh_and_only_rewrites_affected_orders(
    duckdb_dbt: Any,
) -> None:
    """Sync 2 brings a late refund for an old order, a re-delivered order, an order that
    became deleted, and a customer who owns an older guest order (keys and seqs change).
    With no lookback, only affected orders are rewritten: order 1004 (a guest with no
    e-mail, untouched) keeps a marker put on its rows, everything else matches a full
    refresh exactly."""
    db = fresh_warehouse(duckdb_dbt)
    run = ["run", "-s", "+fct_orders", "--vars", "{incremental_lookback_hours: 0}"]
    load_duckdb(db, [0])
    duckdb_dbt(*run)
    before = query(db, "select customer_id from marts.fct_orders where order_id = 1003")
    assert before[0][0].startswith("email:")
    marker = "timestamp '2000-01-01'"
    with duckdb.connect(str(db)) as con:
        con.execute(f"update marts.fct_sales set event_at_local = {marker} where order_id = 1004")
    load_duckdb(db, [1])
    duckdb_dbt(*run)

    assert query(db, f"select count(*) from marts.fct_sales where event_at_local = {marker}") == [
        (4,)
    ], "order 1004 was not affected by sync 2 and must not be rewritten"
    keep = "* exclude (event_at_local)"
    incremental = {
        t: sorted(
            query(db, f"select {keep if t == 'fct_sales' else '*'} from marts.{t}"),
            key=repr,
        )
        for t in ("fct_sales", "fct_orders")
    }
    duckdb_dbt(*run, "--full-refresh")
    for table, rows in incremental.items():
        sql = f"select {keep if table == 'fct_sales' else '*'} from marts.{table}"
        assert rows == sorted(query(db, sql), key=repr), table
    assert len(incremental["fct_sales"]) == 23
    seqs = query(
        db,
        "select order_id, customer_id, customer_order_seq from marts.fct_orders "
        "where order_id in (1003, 1007) order by order_id",
    )
    assert seqs == [(1003, "9002", 1), (1007, "9002", 2)]


def test_the_build_is_logged_in_the_warehouse(built_duckdb: Path, duckdb_dbt: Any) -> None:
    """on-run-end (macros/build_log.sql): one row per build/run, in the warehouse itself,
    a failed run included."""
    with duckdb.connect(str(built_duckdb), read_only=True) as con:
        rows = con.execute(
            "select invocation_id, command, target_name, status, nodes, errors, skipped, "
            "started_at, finished_at from audit.dbt_build_log"
        ).fetchall()
    assert len(rows) == 1
    invocation, command, target, status, nodes, errors, skipped, started, finished = rows[0]
    assert (command, target, status, errors, skipped) == ("build", "dev", "success", 0, 0)
    assert len(invocation) == 36 and nodes > 50
    assert started <= finished

    # a run that fails (its raw table is gone) is logged too, as an error after the success
    path = duckdb_dbt.workdir / "warehouse.duckdb"
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(built_duckdb, path)
    with duckdb.connect(str(path)) as con:
        con.execute("drop table raw.locations")
    out = duckdb_dbt("run", "--select", "stg_shopify__locations", check=False)
    assert out.returncode == 1, out.stdout[-3000:]
    with duckdb.connect(str(path), read_only=True) as con:
        log = con.execute(
            "select command, status, nodes, errors, started_at from audit.dbt_build_log "
            "order by started_at"
        ).fetchall()
    assert [row[:4] for row in log] == [("build", "success", nodes, 0), ("run", "error", 1, 1)]
    assert log[1][4] >= finished
