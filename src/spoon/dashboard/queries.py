"""The read-only SQL behind the dashboard, portable between DuckDB and Snowflake.

Every query reads schema `marts` only (`freshness`, from spoon.dashboard.freshness, also
peeks at the loader's history and dbt's build log, audit.dbt_build_log).
Heavy tables (`fct_sales`, `fct_orders`) are always filtered by date and aggregated in the
warehouse, so results stay small on a shop with millions of orders. Values put into SQL are
dates, integers and shop handles checked by this module (never user text).

Several shops (contract 4): every query takes `shops`, the shops to show (one shop, or all
shops of one currency, summed); None reads every row as one shop (a single-shop warehouse,
whose marts may predate the `shop` column). Rows of different shops are joined on `shop`
too, and customers, products and ranks are per shop (ids of two shops may collide).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from spoon.dashboard.backends import Backend, ReportingError, Rows, WarehouseMissing
from spoon.dashboard.freshness import Freshness as Freshness  # re-exported: every query
from spoon.dashboard.freshness import freshness as freshness  # is read from this module
from spoon.dashboard.kpis import ZERO, Period, Totals
from spoon.metrics import MONEY_COLUMNS

Grain = Literal["day", "week", "month"]
Scope = Literal["period", "all"]
LeaderboardLevel = Literal["product", "variant"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")

M = "marts"
#: the shops a query reads (None: every row, one shop)
Shops = tuple[str, ...] | None
_HANDLE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def sql_date(day: date) -> str:
    if not isinstance(day, date):
        raise TypeError(f"expected a date, got {day!r}")
    return f"cast('{day.isoformat()}' as date)"


def sql_shops(shops: Sequence[str]) -> str:
    """`('shop_us', 'shop_eu')`: shop handles only (checked, so safe to render)."""
    if not shops:
        raise ValueError("pick at least one shop")
    for shop in shops:
        if not isinstance(shop, str) or not _HANDLE.match(shop):
            raise ValueError(f"{shop!r} is not a shop handle")
    return "(" + ", ".join(f"'{shop}'" for shop in shops) + ")"


def _shop_in(shops: Shops, alias: str = "", glue: str = "and") -> str:
    """` and <alias>.shop in (...)` (or `where ...`), '' without a shop filter."""
    if shops is None:
        return ""
    column = f"{alias}.shop" if alias else "shop"
    return f" {glue} {column} in {sql_shops(shops)}"


def _same_shop(shops: Shops, left: str, right: str) -> str:
    """The extra join condition of two shop-keyed tables."""
    return f" and {left}.shop = {right}.shop" if shops is not None else ""


def _per_shop(shops: Shops, expr: str, alias: str = "") -> str:
    """A key unique across the shops (`shop:id`), NULL when the id is; `expr` without."""
    if shops is None:
        return expr
    column = f"{alias}.shop" if alias else "shop"
    return f"case when {expr} is not null then {column} || ':' || cast({expr} as varchar) end"


def shop_currencies(db: Backend) -> list[tuple[str, str]]:
    """(shop, currency) of every shop in the marts, in name order; [] when the marts have
    no `shop` column (built before several shops) or no orders."""
    if not db.has_table(M, "fct_orders"):
        return []
    try:
        rows = db.query(
            f"select shop, max(currency) as currency from {M}.fct_orders "
            "group by shop order by shop"
        )
    except WarehouseMissing:
        raise
    except ReportingError:  # no `shop` column: a single-shop warehouse
        return []
    return [(str(r["shop"]), str(r["currency"] or "")) for r in rows.dicts()]


def _between(column: str, period: Period) -> str:
    return f"{column} between {sql_date(period.start)} and {sql_date(period.end)}"


def _limit(n: int) -> int:
    n = int(n)
    if not 1 <= n <= 10_000:
        raise ValueError(f"limit must be 1..10000, got {n}")
    return n


def _sum(expr: str) -> str:
    """A money sum, typed as money on every warehouse (never a float)."""
    return f"cast(coalesce(sum({expr}), 0) as decimal(38, 2))"


def _money_sums(prefix: str = "") -> str:
    return ", ".join(f"{_sum(prefix + c)} as {c}" for c in MONEY_COLUMNS)


# ---- the shop's date range --------------------------------------------------------------
def date_bounds(db: Backend, shops: Shops = None) -> Period | None:
    """First and last day of `rpt_daily_sales` (of the shops), or None when it has no rows."""
    row = db.query(
        f"select min(date_day) as first_day, max(date_day) as last_day from {M}.rpt_daily_sales"
        f"{_shop_in(shops, glue='where')}"
    ).first()
    if not row or row["first_day"] is None:
        return None
    return Period(_as_date(row["first_day"]), _as_date(row["last_day"]))


def currency(db: Backend, shops: Shops = None) -> str:
    """The shop's currency code when the marts carry it (fct_orders.currency), else ''."""
    if not db.has_table(M, "fct_orders"):
        return ""
    try:
        row = db.query(
            f"select max(currency) as currency from {M}.fct_orders{_shop_in(shops, glue='where')}"
        ).first()
    except WarehouseMissing:
        raise
    except ReportingError:  # the column is not part of the contract: no currency, no problem
        return ""
    return str(row["currency"]) if row and row["currency"] else ""


# ---- KPI header ---------------------------------------------------------------------------
def period_totals(db: Backend, period: Period, shops: Shops = None) -> Totals:
    """Totals of one period: money and orders from rpt_daily_sales, customers from orders."""
    daily = db.query(
        f"select coalesce(sum(orders), 0) as orders, {_money_sums()} "
        f"from {M}.rpt_daily_sales where {_between('date_day', period)}{_shop_in(shops)}"
    ).first()
    customer = _per_shop(shops, "o.customer_id", "o")
    people = db.query(
        f"select {_sum('o.gross_sales - o.discounts')} as order_value, "
        f"count(distinct {customer}) as customers, "
        f"count(distinct case when o.order_date > c.first_order_date then {customer} end) "
        "as returning_customers "
        f"from {M}.fct_orders as o left join {M}.dim_customers as c "
        f"on o.customer_id = c.customer_id{_same_shop(shops, 'o', 'c')} "
        f"where {_between('o.order_date', period)}{_shop_in(shops, 'o')}"
    ).first()
    assert daily is not None and people is not None
    return Totals(
        orders=int(daily["orders"]),
        money={c: _dec(daily[c]) for c in MONEY_COLUMNS},
        order_value=_dec(people["order_value"]),
        customers=int(people["customers"]),
        returning_customers=int(people["returning_customers"]),
    )


# ---- sales over time ----------------------------------------------------------------------
def sales_over_time(db: Backend, period: Period, grain: Grain, shops: Shops = None) -> Rows:
    """Orders and the seven money columns per day, week (Monday) or month."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, got {grain!r}")
    bucket = "date_day" if grain == "day" else f"cast(date_trunc('{grain}', date_day) as date)"
    return db.query(
        f"select {bucket} as period_start, coalesce(sum(orders), 0) as orders, {_money_sums()} "
        f"from {M}.rpt_daily_sales where {_between('date_day', period)}{_shop_in(shops)} "
        "group by 1 order by 1"
    )


# ---- geography ----------------------------------------------------------------------------
def sales_by_geo(db: Backend, period: Period | None, shops: Shops = None) -> Rows:
    """Orders, net and total sales by country, province and city.

    All time (`period=None`) reads `rpt_sales_by_geo`; a period reads the orders placed in
    it (their refunds included, like the report).
    """
    if period is None:
        return db.query(
            "select country, province, city, sum(orders) as orders, "
            f"{_sum('net_sales')} as net_sales, {_sum('total_sales')} as total_sales "
            f"from {M}.rpt_sales_by_geo{_shop_in(shops, glue='where')} "
            "group by country, province, city "
            "order by net_sales desc, country, province, city"
        )
    return db.query(
        "select ship_country as country, ship_province as province, ship_city as city, "
        f"count(*) as orders, {_sum('net_sales')} as net_sales, "
        f"{_sum('total_sales')} as total_sales "
        f"from {M}.fct_orders where {_between('order_date', period)}{_shop_in(shops)} "
        "group by ship_country, ship_province, ship_city "
        "order by net_sales desc, country, province, city"
    )


# ---- customers ----------------------------------------------------------------------------
def _several(shops: Shops) -> bool:
    return shops is not None and len(shops) > 1


def top_customers(db: Backend, period: Period | None, limit: int = 25, shops: Shops = None) -> Rows:
    """Best customers by net sales: all time from rpt_top_customers, or in a period. Over
    several shops they are ranked together from their orders, each with its shop."""
    n = _limit(limit)
    if period is None and not _several(shops):
        return db.query(
            "select rank, customer_id, orders_count, net_sales "
            f"from {M}.rpt_top_customers{_shop_in(shops, glue='where')} "
            f"order by rank, customer_id limit {n}"
        )
    when = _between("order_date", period) if period is not None else "1 = 1"
    shop = "shop, " if _several(shops) else ""
    return db.query(
        f"select rank() over (order by sum(net_sales) desc) as rank, {shop}customer_id, "
        f"count(*) as orders_count, {_sum('net_sales')} as net_sales "
        f"from {M}.fct_orders where {when}{_shop_in(shops)} "
        f"group by {shop}customer_id order by rank, {shop}customer_id limit {n}"
    )


def cohorts(db: Backend, period: Period | None = None, shops: Shops = None) -> Rows:
    """Retention by first-order month (cohorts starting in the period, or all); over several
    shops, each month's cohorts summed (retention = active / customers of all of them)."""
    where = "where 1 = 1"
    if period is not None:
        first = period.start.replace(day=1)
        where = f"where cohort_month between {sql_date(first)} and {sql_date(period.end)}"
    where += _shop_in(shops)
    if not _several(shops):
        return db.query(
            "select cohort_month, months_since_first_order, customers, active_customers, "
            f"net_sales, retention_rate from {M}.rpt_customer_cohorts {where} "
            "order by cohort_month, months_since_first_order"
        )
    return db.query(
        "select cohort_month, months_since_first_order, sum(customers) as customers, "
        f"sum(active_customers) as active_customers, {_sum('net_sales')} as net_sales, "
        "cast(round(sum(active_customers) * 1.0 / nullif(sum(customers), 0), 4) "
        f"as decimal(18, 4)) as retention_rate from {M}.rpt_customer_cohorts {where} "
        "group by cohort_month, months_since_first_order "
        "order by cohort_month, months_since_first_order"
    )


# ---- products -----------------------------------------------------------------------------
def product_leaderboard(
    db: Backend,
    period: Period,
    level: LeaderboardLevel = "product",
    limit: int = 25,
    shops: Shops = None,
) -> Rows:
    """Products (or variants) by net sales in the period: units sold, gross, returns, net.
    Over several shops each shop's products stay apart (with their shop)."""
    n = _limit(limit)
    if level == "variant":
        keys = "s.product_id, s.variant_id"
        names = (
            "max(p.product_title) as product_title, max(p.variant_title) as variant_title, "
            "max(p.sku) as sku"
        )
    elif level == "product":
        keys = "s.product_id"
        names = "max(p.product_title) as product_title, count(distinct s.variant_id) as variants"
    else:
        raise ValueError(f"level must be product or variant, got {level!r}")
    if _several(shops):
        keys = f"s.shop, {keys}"
    return db.query(
        f"select {keys}, {names}, "
        "sum(case when s.event_type = 'sale' then s.quantity else 0 end) as units_sold, "
        f"sum(s.quantity) as net_units, {_sum('s.gross_sales')} as gross_sales, "
        f"{_sum('s.discounts')} as discounts, {_sum('s.returns')} as returns, "
        f"{_sum('s.net_sales')} as net_sales "
        f"from {M}.fct_sales as s left join {M}.dim_products as p on s.variant_id = p.variant_id"
        f"{_same_shop(shops, 's', 'p')} "
        f"where {_between('s.event_date', period)} and s.product_id is not null"
        f"{_shop_in(shops, 's')} "
        f"group by {keys} order by net_sales desc, {keys} limit {n}"
    )


# ---- growth -------------------------------------------------------------------------------
def growth(db: Backend, shops: Shops = None) -> Rows:
    """Net sales per quarter with quarter-over-quarter and year-over-year growth; over
    several shops, their quarters summed and the growth of the sums."""
    if not _several(shops):
        return db.query(
            "select year, quarter, quarter_start, net_sales, qoq_growth, yoy_growth "
            f"from {M}.rpt_growth{_shop_in(shops, glue='where')} order by quarter_start"
        )
    return db.query(
        "with summed as ("
        f"select year, quarter, quarter_start, {_sum('net_sales')} as net_sales "
        f"from {M}.rpt_growth{_shop_in(shops, glue='where')} "
        "group by year, quarter, quarter_start), "
        "compared as (select *, lag(net_sales, 1) over (order by quarter_start) as prev_q, "
        "lag(net_sales, 4) over (order by quarter_start) as prev_y from summed) "
        "select year, quarter, quarter_start, net_sales, "
        "cast(round((net_sales - prev_q) / nullif(prev_q, 0), 4) as decimal(18, 4)) "
        "as qoq_growth, "
        "cast(round((net_sales - prev_y) / nullif(prev_y, 0), 4) as decimal(18, 4)) "
        "as yoy_growth "
        "from compared order by quarter_start"
    )


# ---- Shopify reconciliation --------------------------------------------------------------
@dataclass(frozen=True)
class Reconciliation:
    """Orders per status in rpt_order_reconciliation (an order differs if any row does)."""

    agrees: int
    differs: int
    not_comparable: int

    @property
    def orders(self) -> int:
        return self.agrees + self.differs + self.not_comparable


def reconciliation_sql(shops: Shops = None) -> str:
    """One row: orders that agree, differ, are not comparable (columns agrees, differs,
    not_comparable). An order differs if any of its rows does, else it is not comparable if
    any row is. `spoon summary` counts its reconciliation line with it too."""
    order = "shop, order_id" if shops is not None else "order_id"
    per_order = (
        f"select {order}, max(case status when 'differs' then 2 when 'not comparable' then 1 "
        f"else 0 end) as worst from {M}.rpt_order_reconciliation"
        f"{_shop_in(shops, glue='where')} group by {order}"
    )
    return (
        "select coalesce(sum(case when worst = 0 then 1 else 0 end), 0) as agrees, "
        "coalesce(sum(case when worst = 2 then 1 else 0 end), 0) as differs, "
        "coalesce(sum(case when worst = 1 then 1 else 0 end), 0) as not_comparable "
        f"from ({per_order}) as per_order"
    )


def reconciliation(db: Backend, shops: Shops = None) -> Reconciliation | None:
    """How many orders agree with Shopify's own figures; None when the mart is absent."""
    if not db.has_table(M, "rpt_order_reconciliation"):
        return None
    row = db.query(reconciliation_sql(shops)).first()
    assert row is not None
    return Reconciliation(int(row["agrees"]), int(row["differs"]), int(row["not_comparable"]))


def reconciliation_rows(
    db: Backend, status: str = "differs", limit: int = 500, shops: Shops = None
) -> Rows:
    """The rows with one status (differs / not comparable), biggest difference first."""
    if status not in ("differs", "not comparable"):
        raise ValueError(f"status must be differs or not comparable, got {status!r}")
    n = _limit(limit)
    shop = "shop, " if _several(shops) else ""
    return db.query(
        f"select {shop}order_id, date_day, compared_with, metric, our_amount, shopify_amount, "
        f"difference, reason from {M}.rpt_order_reconciliation where status = '{status}'"
        f"{_shop_in(shops)} order by abs(coalesce(difference, 0)) desc, {shop}order_id, "
        f"compared_with, metric, date_day limit {n}"
    )


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _dec(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))
