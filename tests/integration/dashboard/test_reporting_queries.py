"""The reporting queries on the fixture marts: each figure checked against plain SQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from support import fixture_marts
from support.duck import copy_warehouse, log_builds, query

from spoon.dashboard import queries
from spoon.dashboard.backends import (
    DuckDBBackend,
    ReportingError,
    WarehouseBusy,
    WarehouseMissing,
)
from spoon.dashboard.geo import split_geo, state_name
from spoon.dashboard.kpis import MONEY_COLUMNS, Period
from spoon.dashboard.service import Reporter


@pytest.fixture()
def db(fixture_warehouse: Path) -> DuckDBBackend:
    return DuckDBBackend(fixture_warehouse)


@pytest.fixture()
def period(db: DuckDBBackend) -> Period:
    bounds = queries.date_bounds(db)
    assert bounds is not None
    return Period(bounds.start + timedelta(days=100), bounds.start + timedelta(days=190))


def one(path: Path, sql: str) -> tuple:
    return query(path, sql)[0]


def rng(p: Period) -> str:
    return f"between date '{p.start}' and date '{p.end}'"


def test_totals_equal_the_daily_report_and_the_orders(
    db: DuckDBBackend, period: Period, fixture_warehouse: Path
) -> None:
    t = queries.period_totals(db, period)
    sums = one(
        fixture_warehouse,
        f"select sum(orders), {', '.join(f'sum({c})' for c in MONEY_COLUMNS)} "
        f"from marts.rpt_daily_sales where date_day {rng(period)}",
    )
    assert t.orders == sums[0]
    assert [t.money[c] for c in MONEY_COLUMNS] == list(sums[1:])
    (orders,) = one(
        fixture_warehouse,
        f"select count(*) from marts.fct_orders where order_date {rng(period)}",
    )
    assert t.orders == orders > 0
    assert 0 < t.returning_customers < t.customers


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_sales_over_time_adds_up_to_the_totals(
    db: DuckDBBackend, period: Period, grain: str
) -> None:
    rows = queries.sales_over_time(db, period, grain)  # type: ignore[arg-type]
    t = queries.period_totals(db, period)
    assert sum(rows.column("orders")) == t.orders
    for c in MONEY_COLUMNS:
        assert sum(rows.column(c)) == t.money[c]
    starts = rows.column("period_start")
    assert starts == sorted(starts)
    if grain == "week":
        assert all(d.weekday() == 0 for d in starts[1:])
    if grain == "month":
        assert all(d.day == 1 for d in starts[1:])
    if grain == "day":
        assert len(rows) == period.days


def test_bad_inputs_are_refused(db: DuckDBBackend, period: Period) -> None:
    with pytest.raises(ValueError, match="grain"):
        queries.sales_over_time(db, period, "hour")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        queries.sql_date("2025-01-01'; drop table x; --")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit"):
        queries.top_customers(db, None, limit=0)


def test_geography_all_time_and_in_a_period(
    db: DuckDBBackend, period: Period, fixture_warehouse: Path
) -> None:
    net_all, net_period = one(
        fixture_warehouse,
        "select sum(net_sales), sum(case when order_date "
        f"{rng(period)} then net_sales end) from marts.fct_orders",
    )
    for p, expected in ((None, net_all), (period, net_period)):
        split = split_geo(queries.sales_by_geo(db, p))
        assert split.us_net_sales + split.abroad_net_sales == expected
        assert sum(r["net_sales"] for r in split.cities) == split.us_net_sales
        assert {r["country"] for r in split.countries} == {"Canada", "United Kingdom", "Germany"}
        assert {r["code"] for r in split.states} <= {"CA", "NY", "TX", "WA", "IL", "FL"}
        assert [r["net_sales"] for r in split.states] == sorted(
            (r["net_sales"] for r in split.states), reverse=True
        )


def test_state_names_from_names_or_codes() -> None:
    assert state_name("CA") == "California"
    assert state_name(" new york ") == "New York"
    assert state_name("Washington DC") == "District of Columbia"
    assert state_name("Ontario") is None


def test_top_customers(db: DuckDBBackend, period: Period, fixture_warehouse: Path) -> None:
    top = queries.top_customers(db, None, limit=5).dicts()
    assert [r["rank"] for r in top] == sorted(r["rank"] for r in top)
    (best,) = one(fixture_warehouse, "select max(net_sales) from marts.dim_customers")
    assert top[0]["net_sales"] == best
    in_period = queries.top_customers(db, period, limit=3).dicts()
    (best_in_period,) = one(
        fixture_warehouse,
        "select max(s) from (select sum(net_sales) s from marts.fct_orders "
        f"where order_date {rng(period)} group by customer_id)",
    )
    assert in_period[0]["net_sales"] == best_in_period and len(in_period) == 3


@pytest.mark.parametrize("level", ["product", "variant"])
def test_product_leaderboard_covers_every_product_sale(
    db: DuckDBBackend, period: Period, level: str, fixture_warehouse: Path
) -> None:
    board = queries.product_leaderboard(db, period, level, limit=1000)  # type: ignore[arg-type]
    net, units = one(
        fixture_warehouse,
        "select sum(net_sales), sum(case when event_type = 'sale' then quantity end) "
        f"from marts.fct_sales where product_id is not null and event_date {rng(period)}",
    )
    assert sum(board.column("net_sales")) == net
    assert sum(board.column("units_sold")) == units
    assert board.column("net_sales") == sorted(board.column("net_sales"), reverse=True)
    assert all(board.column("product_title"))
    assert len(board) == (4 if level == "product" else 6)


def test_cohorts_and_growth(db: DuckDBBackend, period: Period) -> None:
    everything = queries.cohorts(db, None)
    some = queries.cohorts(db, period)
    assert 0 < len(some) < len(everything)
    assert all(period.start.replace(day=1) <= d <= period.end for d in some.column("cohort_month"))
    assert all(r == 1 for r, m in zip(everything.column("retention_rate"),
                                      everything.column("months_since_first_order"), strict=True)
               if m == 0)  # fmt: skip
    growth = queries.growth(db)
    assert growth.column("quarter_start") == sorted(growth.column("quarter_start"))
    assert growth.dicts()[0]["qoq_growth"] is None


def _successful_run_results(path: Path, generated_at: str) -> Path:
    """A run_results.json of a successful `dbt build` (as the checkout's target/ holds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "metadata": {"generated_at": generated_at},
                "args": {"which": "build"},
                "results": [{"status": "success"}, {"status": "pass"}],
            }
        )
    )
    return path


def test_freshness_from_the_load_history_and_refresh_file_never_the_checkouts_target(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    from spoon.settings import load_settings

    path = copy_warehouse(fixture_warehouse, tmp_path / "unlogged")
    # the checkout's dbt/target says a build succeeded: of whichever warehouse it last
    # built (a benchmark, dev), so it must not count as this warehouse's build
    project = tmp_path / "dbt"
    _successful_run_results(project / "target" / "run_results.json", "2026-01-15T06:10:00Z")
    refresh = tmp_path / "refresh.json"
    settings = load_settings(
        duckdb_path=path, dbt_project_dir=project, dashboard_refresh_file=refresh
    )
    fresh = Reporter.from_settings(settings).freshness()
    assert fresh.last_load == fixture_marts.LAST_LOAD  # the quarantined file is later
    assert fresh.last_build is None and "last build: unknown" in fresh.line()

    refresh.write_text(json.dumps({"refreshed_at": "2026-01-15T09:00:00+02:00"}))
    fresh = queries.freshness(DuckDBBackend(path), refresh_file=refresh)
    assert fresh.last_build == datetime(2026, 1, 15, 7, 0) and fresh.build_source == "nightly run"
    assert "last build: 2026-01-15 07:00 UTC" in fresh.line()


def test_freshness_from_the_warehouse_build_log_stale_after_a_failed_build(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    path = copy_warehouse(fixture_warehouse, tmp_path / "logged")
    log_builds(path, ("2026-01-14 06:10:00", "success"), ("2026-01-15 06:12:00", "success"))
    fresh = queries.freshness(DuckDBBackend(path))
    assert fresh.last_build == datetime(2026, 1, 15, 6, 12)
    assert fresh.build_source == "warehouse build log"
    assert not fresh.stale and fresh.stale_warning() is None

    log_builds(path, ("2026-01-16 06:20:00", "error"))
    fresh = queries.freshness(DuckDBBackend(path))
    assert fresh.last_build == datetime(2026, 1, 15, 6, 12)
    failed_at = datetime(2026, 1, 16, 6, 20)
    assert (fresh.last_attempt, fresh.last_attempt_status) == (failed_at, "error")
    assert fresh.stale
    assert fresh.stale_warning() == (
        "The marts are stale: the last build failed at 2026-01-16 06:20 UTC; "
        "they show data as of the build at 2026-01-15 06:12 UTC."
    )

    log_builds(path, ("2026-01-17 06:15:00", "success"))
    assert not queries.freshness(DuckDBBackend(path)).stale


def test_reporter_caches_until_the_warehouse_changes(
    fixture_warehouse: Path, tmp_path: Path
) -> None:
    from spoon.settings import load_settings

    path = copy_warehouse(fixture_warehouse, tmp_path / "copy")
    reporter = Reporter.from_settings(
        load_settings(duckdb_path=path, dashboard_refresh_file=tmp_path / "r.json")
    )
    first = reporter.bounds()
    assert reporter.bounds() == first
    assert reporter.cache.hits == 1
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute("delete from marts.rpt_daily_sales where date_day > date '2025-06-30'")
        con.execute("checkpoint")
    assert reporter.bounds() == Period(first.start, date(2025, 6, 30))  # type: ignore[union-attr]


def test_a_missing_warehouse_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    with pytest.raises(WarehouseMissing, match="make demo"):
        DuckDBBackend(missing).query("select 1")
    assert not missing.exists()


def test_a_file_that_is_not_a_warehouse_says_what_to_fix(tmp_path: Path) -> None:
    """Not a lock (no retries, no "reload the page"): the path, DuckDB's reason, the fix."""
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(ReportingError) as raised:
        DuckDBBackend(path, lock_wait=60).query("select 1")
    assert not isinstance(raised.value, WarehouseBusy | WarehouseMissing)
    assert str(raised.value) == (
        f'cannot open the warehouse {path}: IO Error: The file "{path}" exists, but it is not '
        "a valid DuckDB database file!; check SPOON_DUCKDB_PATH (a DuckDB file of this DuckDB"
        " version), then run `spoon dashboard`"
    )
    assert path.read_text() == "not a database"


def test_marts_not_built_yet(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "raw-only.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(WarehouseMissing, match="spoon transform"):
        queries.date_bounds(DuckDBBackend(path))


def test_a_locked_warehouse_reports_busy(tmp_path: Path) -> None:
    path = copy_warehouse(fixture_marts.build_fixture_warehouse(
        tmp_path / "src" / "w.duckdb", orders=20), tmp_path / "locked")  # fmt: skip
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
         "sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match="reload"):
            DuckDBBackend(path, lock_retries=1, lock_wait=0.01).query("select 1")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert DuckDBBackend(path).query("select 1 as x").first() == {"x": 1}


def test_reconciliation_counts_orders_not_rows(db: DuckDBBackend, fixture_warehouse: Path) -> None:
    recon = queries.reconciliation(db)
    assert recon is not None
    (orders, cancelled) = one(
        fixture_warehouse,
        "select count(*), count(case when is_cancelled then 1 end) from marts.fct_orders",
    )
    differing = fixture_marts.DIFFERING_ORDERS
    assert recon.differs == len(differing) and recon.orders == orders
    assert recon.not_comparable == cancelled - sum(
        1 for (c,) in query(
            fixture_warehouse,
            f"select is_cancelled from marts.fct_orders where order_id in {tuple(differing)}",
        ) if c
    )  # fmt: skip
    rows = queries.reconciliation_rows(db, "differs").dicts()
    assert sorted(r["order_id"] for r in rows) == sorted(differing)
    assert all(r["difference"] == Decimal("-1.00") for r in rows)
    with pytest.raises(ValueError, match="status"):
        queries.reconciliation_rows(db, "agrees'; drop table x; --")
