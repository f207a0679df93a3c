"""Several shops in the dashboard (contract 4): the shop picker, each shop alone equal to
its own warehouse, all shops of one currency summed (never across currencies)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from support.dashboard import APP
from support.fixture_marts import build_fixture_warehouse

from spoon.dashboard import queries
from spoon.dashboard.backends import DuckDBBackend
from spoon.dashboard.kpis import MONEY_COLUMNS, Period
from spoon.dashboard.service import Reporter

#: shop -> (fixture seed, currency): two USD shops whose ids collide, and a EUR shop
SHOPS = {"shop_a": (3, "USD"), "shop_b": (4, "USD"), "shop_c": (5, "EUR")}


@pytest.fixture(scope="module")
def shops_warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One fixture warehouse per shop, and `all`: their marts in one warehouse, each row
    with its `shop` (as the marts of contract 4 carry it)."""
    root = tmp_path_factory.mktemp("shops")
    paths: dict[str, Path] = {}
    for shop, (seed, currency) in SHOPS.items():
        path = build_fixture_warehouse(root / f"{shop}.duckdb", orders=300, seed=seed)
        with duckdb.connect(str(path)) as con:
            con.execute("update marts.fct_orders set currency = ?", [currency])
        paths[shop] = path
    combined = root / "all.duckdb"
    with duckdb.connect(str(combined)) as con:
        con.execute("create schema marts")
        for shop, path in paths.items():
            con.execute(f"attach '{path}' as {shop} (read_only)")
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'shop_a' "
                "and schema_name = 'marts'"
            ).fetchall()
        ]
        for table in tables:
            union = " union all ".join(
                f"select '{shop}' as shop, * from {shop}.marts.{table}" for shop in SHOPS
            )
            con.execute(f"create table marts.{table} as {union}")
        for shop in SHOPS:
            con.execute(f"detach {shop}")
    paths["all"] = combined
    return paths


def _everything(reporter: Reporter, period: Period) -> dict[str, object]:
    return {
        "bounds": reporter.bounds(),
        "currency": reporter.currency(),
        "totals": asdict(reporter.totals(period)),
        "sales": reporter.sales_over_time(period, "week").dicts(),
        "geo": reporter.geo(period).dicts(),
        "geo_all": reporter.geo(None).dicts(),
        "customers": reporter.top_customers(period, 10).dicts(),
        "customers_all": reporter.top_customers(None, 10).dicts(),
        "cohorts": reporter.cohorts(None).dicts(),
        "products": reporter.products(period, "variant", 10).dicts(),
        "growth": reporter.growth().dicts(),
    }


def test_the_picker_offers_each_shop_then_each_currency_with_several(
    shops_warehouse: dict[str, Path],
) -> None:
    choices = Reporter(DuckDBBackend(shops_warehouse["all"])).shop_choices()
    assert [(c.label, c.shops, c.currency) for c in choices] == [
        ("shop_a · USD", ("shop_a",), "USD"),
        ("shop_b · USD", ("shop_b",), "USD"),
        ("shop_c · EUR", ("shop_c",), "EUR"),
        ("All USD shops (2)", ("shop_a", "shop_b"), "USD"),
    ]
    # a single-shop warehouse (marts without `shop`) has nothing to pick
    assert Reporter(DuckDBBackend(shops_warehouse["shop_a"])).shop_choices() == []


@pytest.mark.parametrize("shop", list(SHOPS))
def test_each_shop_alone_equals_its_own_warehouse(
    shops_warehouse: dict[str, Path], shop: str
) -> None:
    alone = Reporter(DuckDBBackend(shops_warehouse[shop]))
    bounds = alone.bounds()
    assert bounds is not None
    period = Period(bounds.start + timedelta(days=30), bounds.end - timedelta(days=10))
    picked = Reporter(DuckDBBackend(shops_warehouse["all"])).for_shops((shop,))
    assert _everything(picked, period) == _everything(alone, period)


def test_all_shops_of_a_currency_are_summed_with_customers_per_shop(
    shops_warehouse: dict[str, Path],
) -> None:
    a = Reporter(DuckDBBackend(shops_warehouse["shop_a"]))
    b = Reporter(DuckDBBackend(shops_warehouse["shop_b"]))
    both = Reporter(DuckDBBackend(shops_warehouse["all"])).for_shops(("shop_a", "shop_b"))
    period = Period(min(a.bounds().start, b.bounds().start), max(a.bounds().end, b.bounds().end))  # type: ignore[union-attr]
    ta, tb, tt = a.totals(period), b.totals(period), both.totals(period)
    assert tt.orders == ta.orders + tb.orders
    assert tt.money == {c: ta.money[c] + tb.money[c] for c in MONEY_COLUMNS}
    # the same customer id in two shops is two customers
    assert tt.customers == ta.customers + tb.customers
    assert tt.returning_customers == ta.returning_customers + tb.returning_customers
    assert both.currency() == "USD"
    monthly = both.sales_over_time(period, "month").column("net_sales")
    assert sum(monthly) == ta.money["net_sales"] + tb.money["net_sales"]
    top = both.top_customers(None, 5).dicts()
    assert {r["shop"] for r in top} <= {"shop_a", "shop_b"} and len(top) == 5
    products = both.products(period, "product", 500).dicts()
    assert {r["shop"] for r in products} == {"shop_a", "shop_b"}
    net = sum(r["net_sales"] for r in products)
    alone = [x.products(period, "product", 500).column("net_sales") for x in (a, b)]
    assert net == sum(alone[0]) + sum(alone[1])
    growth = {r["quarter_start"]: r["net_sales"] for r in both.growth().dicts()}
    for quarter, value in growth.items():
        parts = [
            r["net_sales"]
            for x in (a, b)
            for r in x.growth().dicts()
            if r["quarter_start"] == quarter
        ]
        assert value == sum(parts), quarter


def test_shop_handles_are_checked_before_they_reach_sql() -> None:
    assert queries.sql_shops(["shop_us", "shop_eu"]) == "('shop_us', 'shop_eu')"
    for bad in (["x'; drop table marts.fct_orders; --"], ["Shop"], []):
        with pytest.raises(ValueError):
            queries.sql_shops(bad)


def test_the_app_shows_the_picked_shop_in_its_currency(
    shops_warehouse: dict[str, Path],
    use_warehouse: Callable[[Path], Path],
) -> None:
    use_warehouse(shops_warehouse["all"])
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception and not at.error
    picker = at.sidebar.selectbox(key="shop")
    assert picker.options == [
        "shop_a · USD",
        "shop_b · USD",
        "shop_c · EUR",
        "All USD shops (2)",
    ]
    at.sidebar.selectbox(key="preset").select("All time").run()
    picker.select("shop_c · EUR").run()
    assert not at.exception and not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "shop_c, amounts in EUR" in captions
    net = (
        Reporter(DuckDBBackend(shops_warehouse["shop_c"]))
        .totals(
            Reporter(DuckDBBackend(shops_warehouse["shop_c"])).bounds()  # type: ignore[arg-type]
        )
        .money["net_sales"]
    )
    shown = {m.label: m.value for m in at.metric}
    assert shown["Net sales"] == f"EUR {net:,.2f}"
    at.sidebar.selectbox(key="shop").select("All USD shops (2)").run()
    assert not at.exception and not at.error
    assert "All USD shops (2), amounts in USD" in " ".join(c.value for c in at.caption)
