"""A small fixture warehouse with exactly the marts of contract 3 (schema `marts`).

Sales events are generated in Python (sales, later returns, shipping, a cancellation);
every other mart is derived from them in SQL the way the dbt project defines it, so the
marts agree with each other like the real ones. Used until (and beside) the demo shop.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from spoon.metrics import MONEY_COLUMNS

MONEY = MONEY_COLUMNS
#: the marts of contract 3 the sales figures come from (all but the shared calendar
#: dim_dates and rpt_order_reconciliation)
SALES_MARTS = (
    "fct_sales",
    "fct_orders",
    "dim_customers",
    "dim_products",
    "rpt_daily_sales",
    "rpt_sales_by_geo",
    "rpt_top_customers",
    "rpt_customer_cohorts",
    "rpt_growth",
)
DIFFERING_ORDERS = (5003, 5011)  # rpt_order_reconciliation: these differ from Shopify
CENT = Decimal("0.01")
START = date(2024, 10, 1)
DAYS = 420
PLACES = [
    ("United States", "California", "Los Angeles"),
    ("United States", "California", "San Francisco"),
    ("United States", "New York", "New York"),
    ("United States", "Texas", "Austin"),
    ("United States", "Washington", "Seattle"),
    ("United States", "Illinois", "Chicago"),
    ("United States", "Florida", "Miami"),
    ("Canada", "Ontario", "Toronto"),
    ("United Kingdom", "England", "London"),
    ("Germany", "Berlin", "Berlin"),
]
PRODUCTS = [
    (101, "Willow Spoon", [(1011, "Small", "WS-S", "18.00"), (1012, "Large", "WS-L", "24.00")]),
    (102, "Oak Bowl", [(1021, "Default", "OB-1", "42.50")]),
    (103, "Birch Board", [(1031, "Round", "BB-R", "35.00"), (1032, "Square", "BB-S", "38.00")]),
    (104, "Beeswax Balm", [(1041, "Default", "BW-1", "9.99")]),
]


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)


def _events(orders: int, seed: int) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    variants = [(pid, vid, Decimal(p)) for pid, _, vs in PRODUCTS for vid, _, _, p in vs]
    customers = [f"cust-{i:04d}" for i in range(orders // 2)]
    home = {c: rng.choice(PLACES) for c in customers}
    rows: list[dict] = []
    order_rows: list[dict] = []
    for n in range(orders):
        order_id = 5000 + n
        day = START + timedelta(days=int(DAYS * (n / orders) ** 0.8))
        at = datetime(day.year, day.month, day.day, 10 + n % 10, 0)
        cust = rng.choice(customers[: max(5, len(customers) * (n + 1) // orders)])
        place = home[cust]
        order_rows.append(
            {"order_id": order_id, "customer_id": cust, "order_date": day, "place": place, "at": at}
        )
        cancelled = n % 97 == 13
        lines = []
        for k in range(rng.randint(1, 3)):
            pid, vid, price = rng.choice(variants)
            qty = rng.randint(1, 3)
            gross = _money(price * qty)
            disc = _money(gross * Decimal("0.10")) if rng.random() < 0.25 else Decimal("0.00")
            tax = _money((gross - disc) * Decimal("0.08"))
            line_id = order_id * 10 + k
            lines.append((line_id, pid, vid, qty, gross, disc, tax))
            rows.append(
                _row(
                    "sale",
                    line_id,
                    order_id,
                    line_id,
                    at,
                    day,
                    cust,
                    pid,
                    vid,
                    qty,
                    gross_sales=gross,
                    discounts=disc,
                    taxes=tax,
                )
            )
            if not cancelled and rng.random() < 0.08:
                rday = day + timedelta(days=rng.randint(2, 25))
                rat = datetime(rday.year, rday.month, rday.day, 15, 0)
                rows.append(_reversal("return", line_id + 1, lines[-1], order_id, rat, rday, cust))
        if rng.random() < 0.7:
            rows.append(
                _row(
                    "shipping",
                    order_id,
                    order_id,
                    None,
                    at,
                    day,
                    cust,
                    None,
                    None,
                    0,
                    shipping=Decimal("5.00"),
                    duties=Decimal("0.00") if place[0] == "United States" else Decimal("3.20"),
                    taxes=Decimal("0.40"),
                )
            )
        if n % 23 == 5:  # a tip: outside total sales
            rows.append(
                _row("tip", order_id, order_id, None, at, day, cust, None, None, 0,
                     tips=Decimal("2.00"))
            )  # fmt: skip
        if cancelled:
            cday = day + timedelta(days=1)
            cat = datetime(cday.year, cday.month, cday.day, 9, 0)
            for line in lines:
                rows.append(_reversal("cancellation", line[0] + 2, line, order_id, cat, cday, cust))
    return rows, order_rows


def _row(kind, key, order_id, line_id, at, day, cust, pid, vid, qty, **money) -> dict:  # type: ignore[no-untyped-def]
    m = {c: Decimal(money.get(c, "0.00")) for c in MONEY}
    m["net_sales"] = m["gross_sales"] - m["discounts"] - m["returns"]
    m["total_sales"] = m["net_sales"] + m["shipping"] + m["duties"] + m["taxes"]
    return {"sales_event_id": f"{kind}-{key}", "order_id": order_id, "order_line_id": line_id,
            "event_type": kind, "event_at": at, "event_date": day, "customer_id": cust,
            "product_id": pid, "variant_id": vid, "quantity": qty, **m}  # fmt: skip


def _reversal(kind, key, line, order_id, at, day, cust) -> dict:  # type: ignore[no-untyped-def]
    """A `kind` event (return, cancellation) taking back the whole sales `line`: its
    quantity, net sales (as returns) and taxes."""
    line_id, pid, vid, qty, gross, disc, tax = line
    return _row(kind, key, order_id, line_id, at, day, cust, pid, vid, -qty,
                returns=gross - disc, taxes=-tax)  # fmt: skip


def build_fixture_warehouse(path: Path, *, orders: int = 700, seed: int = 3) -> Path:
    """Write the marts (and raw._load_history) into a new DuckDB file at `path`."""
    sales, order_rows = _events(orders, seed)
    dec = pa.decimal128(18, 2)
    sales_tbl = pa.Table.from_pylist(
        sales,
        schema=pa.schema(
            [
                ("sales_event_id", pa.string()),
                ("order_id", pa.int64()),
                ("order_line_id", pa.int64()),
                ("event_type", pa.string()),
                ("event_at", pa.timestamp("us")),
                ("event_date", pa.date32()),
                ("customer_id", pa.string()),
                ("product_id", pa.int64()),
                ("variant_id", pa.int64()),
                ("quantity", pa.int64()),
            ]
            + [(c, dec) for c in MONEY]
        ),
    )
    orders_tbl = pa.Table.from_pylist(
        [
            {
                "order_id": o["order_id"],
                "customer_id": o["customer_id"],
                "order_date": o["order_date"],
                "processed_at": o["at"],
                "ship_country": o["place"][0],
                "ship_province": o["place"][1],
                "ship_city": o["place"][2],
            }
            for o in order_rows
        ]
    )
    products_tbl = pa.Table.from_pylist(
        [
            {
                "variant_id": vid,
                "product_id": pid,
                "product_title": title,
                "variant_title": vt,
                "sku": sku,
                "vendor": "Willow's",
                "product_type": "Kitchen",
            }
            for pid, title, vs in PRODUCTS
            for vid, vt, sku, _ in vs
        ]
    )
    money_sums = ", ".join(f"coalesce(sum(s.{c}), 0)::decimal(18,2) as {c}" for c in MONEY)
    money_cols = ", ".join(f"m.{c}" for c in MONEY)
    daily_sums = ", ".join(f"coalesce(s.{c}, 0)::decimal(18,2) as {c}" for c in MONEY)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.register("sales_src", sales_tbl)
        con.register("orders_src", orders_tbl)
        con.register("products_src", products_tbl)
        con.execute("create schema marts; create schema raw")
        con.execute("create table marts.fct_sales as select * from sales_src")
        con.execute(f"""
            create table marts.fct_orders as
            with money as (
                select o.order_id, {money_sums},
                       bool_or(s.event_type = 'cancellation') as is_cancelled
                from orders_src o left join sales_src s on s.order_id = o.order_id
                group by o.order_id
            )
            select o.order_id, o.order_id - 4000 as order_number, o.customer_id, o.order_date,
                   m.is_cancelled, {money_cols},
                   row_number() over (partition by o.customer_id
                                      order by o.processed_at, o.order_id) as customer_order_seq,
                   o.ship_country, o.ship_province, o.ship_city, 'USD' as currency,
                   timestamp '2026-01-15 06:00:00' as _source_loaded_at
            from orders_src o join money m using (order_id)
        """)
        con.execute("""
            create table marts.dim_customers as
            select customer_id, min(order_date) as first_order_date,
                   max(order_date) as last_order_date, count(*) as orders_count,
                   sum(net_sales)::decimal(18,2) as net_sales, count(*) > 1 as is_returning,
                   max(ship_country) as country, max(ship_province) as province
            from marts.fct_orders group by customer_id
        """)
        con.execute("create table marts.dim_products as select * from products_src")
        con.execute("""
            create table marts.dim_dates as
            select d::date as date_day, date_trunc('week', d)::date as week_start,
                   date_trunc('month', d)::date as month_start,
                   date_trunc('quarter', d)::date as quarter_start,
                   extract(quarter from d)::int as quarter, extract(year from d)::int as year
            from range(date '2024-01-01', date '2027-01-01', interval 1 day) t(d)
        """)
        con.execute(f"""
            create table marts.rpt_daily_sales as
            with s as (select event_date as date_day, {", ".join(f"sum({c}) as {c}" for c in MONEY)}
                       from marts.fct_sales group by 1),
                 o as (select o.order_date as date_day, count(*) as orders,
                              count(distinct case when o.order_date = c.first_order_date
                                    then o.customer_id end) as new_customers,
                              count(distinct case when o.order_date > c.first_order_date
                                    then o.customer_id end) as returning_customers
                       from marts.fct_orders o join marts.dim_customers c using (customer_id)
                       group by 1),
                 v as (select event_date as date_day, sum(gross_sales - discounts) as order_value
                       from marts.fct_sales where event_type = 'sale' group by 1),
                 b as (select min(date_day) as lo, max(date_day) as hi from s)
            select d.date_day, coalesce(o.orders, 0)::bigint as orders, {daily_sums},
                   coalesce(o.new_customers, 0)::bigint as new_customers,
                   coalesce(o.returning_customers, 0)::bigint as returning_customers,
                   round(v.order_value / o.orders, 2)::decimal(18,2) as average_order_value
            from marts.dim_dates d join b on d.date_day between b.lo and b.hi
            left join s using (date_day) left join o using (date_day) left join v using (date_day)
        """)
        differing = ", ".join(str(o) for o in DIFFERING_ORDERS)
        con.execute(f"""
            create table marts.rpt_order_reconciliation as
            select md5(order_id::varchar) as reconciliation_id,
                   'order_current_totals' as compared_with, order_id,
                   cast(null as date) as date_day, 'total_sales' as metric,
                   total_sales as our_amount,
                   case when order_id in ({differing}) then total_sales + 1.00
                        else total_sales end::decimal(18,2) as shopify_amount,
                   (our_amount - shopify_amount)::decimal(18,2) as difference,
                   case when order_id in ({differing}) then 'differs'
                        when is_cancelled then 'not comparable' else 'agrees' end as status,
                   case when is_cancelled and order_id not in ({differing})
                        then 'cancelled order' end as reason
            from marts.fct_orders
        """)
        con.execute("""
            create table marts.rpt_sales_by_geo as
            select ship_country as country, ship_province as province, ship_city as city,
                   count(*) as orders, sum(net_sales)::decimal(18,2) as net_sales,
                   sum(total_sales)::decimal(18,2) as total_sales
            from marts.fct_orders group by all
        """)
        con.execute("""
            create table marts.rpt_top_customers as
            select rank() over (order by net_sales desc) as rank, customer_id, orders_count,
                   net_sales
            from marts.dim_customers
        """)
        con.execute("""
            create table marts.rpt_customer_cohorts as
            with o as (select customer_id, date_trunc('month', order_date)::date as m, net_sales
                       from marts.fct_orders),
                 c as (select customer_id, min(m) as cohort_month from o group by 1),
                 z as (select cohort_month, count(*) as customers from c group by 1)
            select c.cohort_month, date_diff('month', c.cohort_month, o.m)::int
                       as months_since_first_order,
                   z.customers, count(distinct o.customer_id) as active_customers,
                   sum(o.net_sales)::decimal(18,2) as net_sales,
                   round(count(distinct o.customer_id) / z.customers, 4)::decimal(10,4)
                       as retention_rate
            from o join c using (customer_id) join z using (cohort_month)
            group by c.cohort_month, o.m, z.customers
        """)
        con.execute("""
            create table marts.rpt_growth as
            with q as (select date_trunc('quarter', event_date)::date as quarter_start,
                              sum(net_sales)::decimal(18,2) as net_sales
                       from marts.fct_sales group by 1),
                 l as (select *, lag(net_sales, 1) over (order by quarter_start) as p1,
                              lag(net_sales, 4) over (order by quarter_start) as p4 from q)
            select extract(year from quarter_start)::int as year,
                   extract(quarter from quarter_start)::int as quarter, quarter_start, net_sales,
                   round((net_sales - p1) / nullif(p1, 0), 4)::decimal(10,4) as qoq_growth,
                   round((net_sales - p4) / nullif(p4, 0), 4)::decimal(10,4) as yoy_growth
            from l
        """)
        con.execute("""
            create table raw._load_history (file_name varchar, stream varchar,
                content_hash varchar, size_bytes bigint, rows bigint, status varchar,
                error varchar, loaded_at timestamp)
        """)
        loaded = datetime(2026, 1, 15, 5, 30, tzinfo=UTC).replace(tzinfo=None)
        con.execute(
            "insert into raw._load_history values "
            "('shopify/orders/a.parquet', 'orders', 'h1', 10, 700, 'loaded', null, ?), "
            "('shopify/orders/b.parquet', 'orders', 'h2', 10, 0, 'quarantined', 'bad', ?)",
            [loaded, loaded + timedelta(hours=1)],
        )
    finally:
        con.close()
    return path


LAST_LOAD = datetime(2026, 1, 15, 5, 30)
