"""Streamlit AppTest: every page renders, and the KPIs shown equal the marts' own values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import fixture_marts
from support.dashboard import APP, PAGES
from support.duck import copy_warehouse, execute, query

TIMEOUT = 120


@pytest.fixture(params=["fixture", "demo"])
def warehouse(request: pytest.FixtureRequest) -> Path:
    """Both the fixture marts and the real marts of a small demo shop."""
    return request.getfixturevalue(f"{request.param}_warehouse")


@pytest.fixture()
def fixture_copy(fixture_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the fixture marts' warehouse that the test may change."""
    return copy_warehouse(fixture_warehouse, tmp_path / "copy")


def run_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    return at


def assert_clean(at: AppTest, where: str) -> None:
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    assert not at.error, f"{where}: {[e.value for e in at.error]}"


def expected_kpis(db: Path, start: date, end: date) -> dict[str, str]:
    """The header figures computed straight from the marts, formatted like the dashboard."""
    rng = f"between date '{start}' and date '{end}'"
    orders, net, total = query(
        db,
        "select coalesce(sum(orders), 0), coalesce(sum(net_sales), 0), "
        f"coalesce(sum(total_sales), 0) from marts.rpt_daily_sales where date_day {rng}",
    )[0]
    value, customers, returning = query(
        db,
        "with firsts as (select customer_id, min(order_date) as first_day "
        "from marts.fct_orders group by 1) "
        "select sum(o.gross_sales - o.discounts), count(distinct o.customer_id), "
        "count(distinct case when o.order_date > f.first_day then o.customer_id end) "
        f"from marts.fct_orders o join firsts f using (customer_id) where o.order_date {rng}",
    )[0]

    def money(x: Decimal) -> str:
        return f"{Decimal(x).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"

    aov = money(Decimal(value) / orders) if orders else "-"
    rate = f"{pct(Decimal(returning) / customers)}%" if customers else "-"
    return {
        "Net sales": money(net),
        "Total sales": money(total),
        "Orders": f"{orders:,}",
        "Average order value": aov,
        "Returning rate": rate,
    }


def pct(ratio: Decimal) -> Decimal:
    return (ratio * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def shown_kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def bounds(db: Path) -> tuple[date, date]:
    return query(db, "select min(date_day), max(date_day) from marts.rpt_daily_sales")[0]


def test_every_page_renders(warehouse: Path, use_warehouse: Callable[[Path], Path]) -> None:
    use_warehouse(warehouse)
    at = run_app()
    assert_clean(at, "overview")
    assert at.title[0].value == "Sales overview"
    assert len(at.dataframe) == 1  # the Shopify breakdown
    for page in PAGES[1:]:
        at.switch_page(f"views/{page}.py")
        at.run()
        assert_clean(at, page)
        assert at.title, f"{page} rendered no title"
        assert at.dataframe, f"{page} rendered no table"


def test_kpis_equal_the_marts_for_the_default_period(
    warehouse: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    use_warehouse(warehouse)
    first, last = bounds(warehouse)
    start = max(first, last - timedelta(days=89))  # the default: last 90 days with data
    at = run_app()
    assert_clean(at, "overview")
    assert shown_kpis(at) == expected_kpis(warehouse, start, last)


def test_kpis_follow_the_date_filter(
    warehouse: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    use_warehouse(warehouse)
    first, last = bounds(warehouse)
    at = run_app()
    at.sidebar.selectbox(key="preset").select("All time").run()
    assert_clean(at, "all time")
    assert shown_kpis(at) == expected_kpis(warehouse, first, last)
    assert not any(m.delta for m in at.metric)  # nothing before all time

    at.sidebar.selectbox(key="preset").select("Custom range").run()
    start, end = first + timedelta(days=20), first + timedelta(days=50)
    at.sidebar.date_input(key="custom_range").set_value((start, end)).run()
    assert_clean(at, "custom range")
    assert shown_kpis(at) == expected_kpis(warehouse, start, end)
    # the change is vs the 31 days before
    prev = expected_kpis(warehouse, start - timedelta(days=31), start - timedelta(days=1))
    now = Decimal(shown_kpis(at)["Orders"].replace(",", ""))
    before = Decimal(prev["Orders"].replace(",", ""))
    delta = {m.label: m.delta for m in at.metric}["Orders"]
    assert delta == f"{pct((now - before) / before):+}%"


def test_freshness_line_shows_the_last_load(
    fixture_warehouse: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    use_warehouse(fixture_warehouse)
    at = run_app()
    captions = " ".join(c.value for c in at.sidebar.caption)
    last = fixture_marts.LAST_LOAD
    assert f"Last successful load: {last:%Y-%m-%d %H:%M} UTC" in captions


def test_a_failed_build_after_the_last_success_warns_the_marts_are_stale(
    fixture_copy: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    execute(
        fixture_copy,
        "create schema audit",
        "create table audit.dbt_build_log as select * from (values "
        "('a', 'build', 'dev', timestamp '2026-01-15 06:00', timestamp '2026-01-15 06:12', "
        "'success', 80, 0, 0), "
        "('b', 'build', 'dev', timestamp '2026-01-16 06:00', timestamp '2026-01-16 06:20', "
        "'error', 80, 1, 12)) as t(invocation_id, command, target_name, started_at, "
        "finished_at, status, nodes, errors, skipped)",
    )
    use_warehouse(fixture_copy)
    at = run_app()
    assert_clean(at, "stale marts")
    warnings = [w.value for w in at.sidebar.warning]
    assert warnings == [
        "The marts are stale: the last build failed at 2026-01-16 06:20 UTC; "
        "they show data as of the build at 2026-01-15 06:12 UTC."
    ]


def test_no_warehouse_says_how_to_build_one(
    tmp_path: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    use_warehouse(tmp_path / "nothing-here.duckdb")
    at = run_app()
    assert not at.exception
    assert any("make demo" in i.value for i in at.info)
    assert not (tmp_path / "nothing-here.duckdb").exists()  # read-only: nothing created


def test_empty_marts_show_an_empty_state(
    fixture_copy: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    execute(fixture_copy, "delete from marts.rpt_daily_sales")
    use_warehouse(fixture_copy)
    at = run_app()
    assert not at.exception
    assert any("no sales yet" in i.value for i in at.info)


def test_unreadable_warehouse_is_a_friendly_error(
    tmp_path: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    bad = tmp_path / "broken.duckdb"
    bad.write_bytes(b"this is not a duckdb file" * 100)
    use_warehouse(bad)
    at = run_app()
    assert not at.exception
    assert at.error and "cannot read the marts" in at.error[0].value


def test_the_shopify_check_counts_the_orders_that_differ(
    warehouse: Path, use_warehouse: Callable[[Path], Path]
) -> None:
    """The overview's badge and the check page show what rpt_order_reconciliation holds."""
    use_warehouse(warehouse)
    ((orders, differing, rows),) = query(
        warehouse,
        "select count(distinct order_id), "
        "count(distinct case when status = 'differs' then order_id end), "
        "count(case when status = 'differs' then 1 end) from marts.rpt_order_reconciliation",
    )
    at = run_app()
    assert_clean(at, "overview")
    text = " ".join(m.value for m in at.markdown)
    if differing:
        assert f"{differing:,} of {orders:,} orders differ from Shopify's own figures" in text
    else:
        assert "comparable orders agree with Shopify's own figures" in text
    at.switch_page("views/reconciliation.py")
    at.run()
    assert_clean(at, "reconciliation")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Orders that differ"] == f"{differing:,}"
    table = at.dataframe[0].value
    assert len(table) == rows if differing else at.success


def test_the_fixture_has_orders_that_differ(fixture_warehouse: Path) -> None:
    """So that the test above sees both the warning and the all-clear."""
    ((differing,),) = query(
        fixture_warehouse,
        "select count(distinct order_id) from marts.rpt_order_reconciliation "
        "where status = 'differs'",
    )
    assert differing == len(fixture_marts.DIFFERING_ORDERS)
