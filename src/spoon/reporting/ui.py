"""The Streamlit dashboard: sidebar, pages and charts. `dashboard/` only calls into here.

Every figure comes from `Reporter` (cached, read-only queries on `marts`); this module
only lays it out. Failures become friendly messages, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from spoon.errors import SpoonError
from spoon.reporting.backends import Rows, WarehouseBusy, WarehouseMissing
from spoon.reporting.geo import split_geo, us_states_topojson
from spoon.reporting.kpis import MONEY_COLUMNS, Period, format_growth, format_money
from spoon.reporting.queries import GRAINS, Grain
from spoon.reporting.service import Reporter
from spoon.settings import SECRET_FIELDS, Settings, load_settings

TITLE = "Willow's Spoon"
CTX_KEY = "_spoon_dashboard_ctx"
PRESETS: dict[str, int | None] = {
    "Last 7 days": 7,
    "Last 30 days": 30,
    "Last 90 days": 90,
    "Last 12 months": 365,
    "Year to date": -1,
    "All time": None,
    "Custom range": -2,
}
DEFAULT_PRESET = "Last 90 days"
PAGES: dict[str, tuple[str, str]] = {  # file stem -> (title, icon)
    "overview": ("Overview", ":material/monitoring:"),
    "geography": ("Geography", ":material/map:"),
    "customers": ("Customers", ":material/group:"),
    "products": ("Products", ":material/inventory_2:"),
    "growth": ("Growth", ":material/trending_up:"),
    "reconciliation": ("Shopify check", ":material/fact_check:"),
}
LABELS = {
    "gross_sales": "Gross sales",
    "discounts": "Discounts",
    "returns": "Returns",
    "net_sales": "Net sales",
    "shipping": "Shipping",
    "duties": "Duties",
    "taxes": "Taxes",
    "total_sales": "Total sales",
    "tips": "Tips",
}


@dataclass(frozen=True)
class Context:
    reporter: Reporter
    period: Period
    bounds: Period
    preset: str
    currency: str
    shop_label: str = ""  # the picked shop(s), '' in a single-shop warehouse

    def money(self, value: Decimal | float | None) -> str:
        return format_money(value, self.currency) if self.shop_label else format_money(value)

    @property
    def amounts(self) -> str:
        shop = f"{self.shop_label}, " if self.shop_label else ""
        return (
            f"{shop}amounts in {self.currency}"
            if self.currency
            else (f"{shop}amounts in the shop's currency")
        )


# ---- app shell ---------------------------------------------------------------------------
def settings_fingerprint(settings: Settings) -> str:
    """The cache key of a configuration: every setting, secrets as a digest only.

    `model_dump_json()` alone masks secrets as '**********', so it cannot carry them (the
    Reporter is built from the `Settings` object itself); the digest makes a changed
    passphrase or key path build a new Reporter.
    """
    secrets = {name: getattr(settings, name).get_secret_value() for name in sorted(SECRET_FIELDS)}
    digest = hashlib.sha256(json.dumps(secrets, sort_keys=True).encode()).hexdigest()
    return f"{settings.model_dump_json()}#{digest}"


@st.cache_resource(show_spinner=False)
def _reporter(fingerprint: str, _settings: Settings) -> Reporter:
    """One Reporter per configuration; Streamlit hashes `fingerprint`, not `_settings`."""
    return Reporter.from_settings(_settings)


def run_app(app_dir: Path) -> None:
    """The main script: page config, sidebar filters, then the chosen page."""
    st.set_page_config(page_title=TITLE, page_icon=":material/storefront:", layout="wide")
    pages = [
        st.Page(app_dir / "views" / f"{stem}.py", title=title, icon=icon, default=i == 0)
        for i, (stem, (title, icon)) in enumerate(PAGES.items())
    ]
    nav = st.navigation(pages)
    st.session_state.pop(CTX_KEY, None)
    with guard():
        settings = load_settings()
        reporter = _reporter(settings_fingerprint(settings), settings)
        ctx = _sidebar(reporter)
        if ctx is None:
            return
        st.session_state[CTX_KEY] = ctx
    nav.run()


def _sidebar(reporter: Reporter) -> Context | None:
    st.sidebar.markdown(f"### :material/storefront: {TITLE}")
    choices = reporter.shop_choices()
    shop_label = ""
    if choices:
        labels = [c.label for c in choices]
        picked_label = st.sidebar.selectbox(
            "Shop",
            labels,
            key="shop",
            help="One shop, or every shop of one currency summed (never across currencies).",
        )
        choice = choices[labels.index(picked_label)]
        reporter = reporter.for_shops(choice.shops)
        shop_label = choice.shops[0] if len(choice.shops) == 1 else choice.label
    bounds = reporter.bounds()
    if bounds is None:
        st.title(TITLE)
        st.info(
            "The marts are built but hold no sales yet. Once orders are loaded and "
            "transformed (`spoon run`), they appear here. To try the dashboard on sample "
            "data, run `make demo`.",
            icon=":material/inbox:",
        )
        return None
    preset = st.sidebar.selectbox(
        "Period", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET), key="preset"
    )
    period = preset_period(preset, bounds)
    if preset == "Custom range":
        picked = st.sidebar.date_input(
            "From - to",
            value=(period.start, period.end),
            min_value=bounds.start,
            max_value=bounds.end,
            key="custom_range",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            period = Period(picked[0], picked[1])
    st.sidebar.caption(f"{period.label()} · {period.days:,} days")
    st.sidebar.caption(f"Data from {bounds.start:%b %-d, %Y} to {bounds.end:%b %-d, %Y}")
    fresh = reporter.freshness()
    st.sidebar.caption(f":material/schedule: {fresh.line()}")
    stale = fresh.stale_warning()
    if stale:
        st.sidebar.warning(stale, icon=":material/warning:")
    st.sidebar.caption(f":material/database: {reporter.describe()}")
    return Context(reporter, period, bounds, preset, reporter.currency(), shop_label)


def preset_period(preset: str, bounds: Period) -> Period:
    """The period a preset means, ending on the last day with data."""
    days = PRESETS[preset]
    end = bounds.end
    if days is None:
        return bounds
    if days == -1:  # year to date
        start = date(end.year, 1, 1)
    elif days == -2:  # custom: starts as the last 90 days
        start = end - timedelta(days=89)
    else:
        start = end - timedelta(days=days - 1)
    return Period(max(start, bounds.start), end)


@contextmanager
def guard() -> Iterator[None]:
    """Turn the errors a user can hit into a friendly message."""
    try:
        yield
    except WarehouseMissing as err:
        st.title(TITLE)
        st.info(
            "**No warehouse yet.** Build one with sample data:\n\n"
            "```\nmake demo\n```\n\nthen reload this page. "
            "For your own shop, set it up in `.env` and run `spoon run`.",
            icon=":material/rocket_launch:",
        )
        st.caption(str(err))
    except WarehouseBusy as err:
        st.warning(f"{err}", icon=":material/hourglass_top:")
    except SpoonError as err:
        st.error(f"The dashboard cannot read the marts: {err}", icon=":material/error:")


def page(stem: str) -> None:
    """Render one page (called by `dashboard/views/<stem>.py`)."""
    ctx = st.session_state.get(CTX_KEY)
    if ctx is None:  # the shell already showed why (empty or missing warehouse)
        return
    renderers: dict[str, Callable[[Context], None]] = {
        "overview": overview,
        "geography": geography,
        "customers": customers,
        "products": products,
        "growth": growth_page,
        "reconciliation": reconciliation_page,
    }
    with guard():
        renderers[stem](ctx)


# ---- helpers ----------------------------------------------------------------------------
def frame(rows: Rows) -> pd.DataFrame:
    """Rows as a DataFrame, money as floats (display only; figures are computed exactly)."""
    df = pd.DataFrame(rows.rows, columns=list(rows.columns))
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, Decimal)).any():
            df[col] = df[col].map(lambda v: None if v is None else float(v)).astype("float64")
    return df


COLUMN_LABELS = {
    **LABELS,
    "period_start": "Period",
    "orders": "Orders",
    "orders_count": "Orders",
    "state": "State",
    "city": "City",
    "country": "Country",
    "rank": "Rank",
    "customer_id": "Customer",
    "product_id": "Product ID",
    "variant_id": "Variant ID",
    "product_title": "Product",
    "variant_title": "Variant",
    "sku": "SKU",
    "variants": "Variants",
    "units_sold": "Units sold",
    "net_units": "Units after returns",
    "order_id": "Order",
    "date_day": "Day",
    "compared_with": "Compared with",
    "metric": "Metric",
    "our_amount": "Ours",
    "shopify_amount": "Shopify",
    "difference": "Difference",
    "reason": "Why not comparable",
}
MONEY_LIKE = {*MONEY_COLUMNS, "Net sales", "our_amount", "shopify_amount", "difference"}
COUNTS = {"orders", "orders_count", "units_sold", "net_units", "variants", "rank"}


def table(df: pd.DataFrame) -> None:
    """A read-only table with readable headers, money in accounting format."""
    config: dict[str, Any] = {}
    for col in df.columns:
        label = COLUMN_LABELS.get(col, col)
        if col in MONEY_LIKE:
            config[col] = st.column_config.NumberColumn(label, format="accounting")
        elif col in COUNTS:
            config[col] = st.column_config.NumberColumn(label, format="localized")
        else:
            config[col] = st.column_config.Column(label)
    st.dataframe(df, hide_index=True, column_config=config)


def _scope(key: str, ctx: Context) -> Period | None:
    choice = st.segmented_control(
        "Scope",
        ["Selected period", "All time"],
        default="Selected period",
        key=key,
        label_visibility="collapsed",
    )
    return None if choice == "All time" else ctx.period


def _header(title: str, ctx: Context, note: str = "") -> None:
    st.title(title)
    st.caption(" · ".join(x for x in (ctx.period.label(), ctx.amounts, note) if x))


# ---- pages -------------------------------------------------------------------------------
def overview(ctx: Context) -> None:
    _header("Sales overview", ctx, "change vs the previous period of the same length")
    kpis = ctx.reporter.kpis(ctx.period)
    for col, kpi in zip(st.columns(len(kpis)), kpis, strict=True):
        value = ctx.money(kpi.value) if kpi.kind == "money" else kpi.shown  # type: ignore[arg-type]
        col.metric(kpi.label, value, kpi.delta, help=kpi.help, border=True)
    _reconciliation_badge(ctx)

    st.subheader("Sales over time")
    grain: Grain = st.segmented_control(  # type: ignore[assignment]
        "Granularity",
        list(GRAINS),
        default=_default_grain(ctx.period),
        key="grain",
        format_func=str.capitalize,
    ) or _default_grain(ctx.period)
    df = frame(ctx.reporter.sales_over_time(ctx.period, grain))
    if df.empty:
        st.info("No sales in this period.", icon=":material/inbox:")
        return
    long = df.melt(
        id_vars=["period_start"], value_vars=["net_sales", "total_sales"], var_name="measure"
    )
    long["measure"] = long["measure"].map(LABELS)
    chart = (
        alt.Chart(long)
        .mark_line(point=grain != "day")
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y("value:Q", title=f"Sales {ctx.currency}".strip()),
            color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("period_start:T", title=grain),
                "measure:N",
                alt.Tooltip("value:Q", format=",.2f"),
            ],
        )
        .properties(height=320)
    )
    st.altair_chart(chart, width="stretch")
    st.markdown("**Breakdown** (Shopify's sales report: net = gross - discounts - returns)")
    table(df)


RECONCILIATION_PAGE = "views/reconciliation.py"


def _reconciliation_badge(ctx: Context) -> None:
    """One line under the KPIs: do our figures agree with Shopify's own, per order?"""
    recon = ctx.reporter.reconciliation()
    if recon is None or recon.orders == 0:
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    if recon.differs:
        left.badge(
            f"{recon.differs:,} of {recon.orders:,} orders differ from Shopify's own figures",
            icon=":material/warning:",
            color="orange",
        )
    else:
        left.badge(
            f"All {recon.orders - recon.not_comparable:,} comparable orders agree with "
            f"Shopify's own figures ({recon.not_comparable:,} not comparable)",
            icon=":material/check_circle:",
            color="green",
        )
    right.page_link(RECONCILIATION_PAGE, label="See the check", icon=":material/fact_check:")


def reconciliation_page(ctx: Context) -> None:
    st.title("Checked against Shopify")
    st.caption(
        "Every order's figures against Shopify's own ledger (order_agreements, per local day) "
        "and the order's current totals, from marts.rpt_order_reconciliation. " + ctx.amounts
    )
    recon = ctx.reporter.reconciliation()
    if recon is None:
        st.info(
            "marts.rpt_order_reconciliation is not built yet: run `spoon transform`.",
            icon=":material/inbox:",
        )
        return
    a, b, c = st.columns(3)
    a.metric("Orders that agree", f"{recon.agrees:,}", border=True)
    b.metric("Orders that differ", f"{recon.differs:,}", border=True)
    c.metric("Not comparable", f"{recon.not_comparable:,}", border=True)
    st.subheader("Orders that differ")
    differs = frame(ctx.reporter.reconciliation_rows("differs"))
    if differs.empty:
        st.success("No order differs from Shopify's figures.", icon=":material/check_circle:")
    else:
        table(differs)
    with st.expander(f"Not comparable ({recon.not_comparable:,} orders) and why"):
        table(frame(ctx.reporter.reconciliation_rows("not comparable")))


def _default_grain(period: Period) -> Grain:
    if period.days <= 45:
        return "day"
    return "week" if period.days <= 200 else "month"


def geography(ctx: Context) -> None:
    st.title("Where the sales go")
    period = _scope("geo_scope", ctx)
    st.caption(
        (
            "All-time sales by shipping address"
            if period is None
            else f"Orders placed {ctx.period.label()}, by shipping address"
        )
        + f" · {ctx.amounts}"
    )
    split = split_geo(ctx.reporter.geo(period))
    if not split.states and not split.countries:
        st.info("No orders in this period.", icon=":material/inbox:")
        return
    a, b = st.columns(2)
    a.metric("Net sales in the US", ctx.money(split.us_net_sales), border=True)
    b.metric("Net sales abroad", ctx.money(split.abroad_net_sales), border=True)
    st.subheader("United States: net sales by state")
    states = pd.DataFrame(
        split.states or [], columns=["state", "code", "orders", "net_sales", "total_sales"]
    )
    for col in ("net_sales", "total_sales"):
        states[col] = states[col].astype("float64")
    st.altair_chart(us_map(states), width="stretch")
    left, right = st.columns(2)
    with left:
        st.markdown("**States and cities**")
        cities = pd.DataFrame(
            split.cities, columns=["state", "city", "orders", "net_sales", "total_sales"]
        )
        for col in ("net_sales", "total_sales"):
            cities[col] = cities[col].astype("float64")
        table(cities)
    with right:
        st.markdown("**Countries abroad**")
        countries = pd.DataFrame(
            split.countries, columns=["country", "orders", "net_sales", "total_sales"]
        )
        for col in ("net_sales", "total_sales"):
            countries[col] = countries[col].astype("float64")
        table(countries)


def us_map(states: pd.DataFrame) -> alt.LayerChart:
    """A choropleth of the US by state (shipped outline, no network)."""
    outline = alt.InlineData(
        values=us_states_topojson(), format=alt.DataFormat(type="topojson", feature="states")
    )
    base = alt.Chart(outline).mark_geoshape(fill="#eeeeee", stroke="white")
    filled = (
        alt.Chart(outline)
        .mark_geoshape(stroke="white")
        .transform_lookup(
            lookup="properties.name",
            from_=alt.LookupData(states, "state", ["net_sales", "orders", "code"]),
        )
        .transform_filter("isValid(datum.net_sales)")
        .encode(
            color=alt.Color("net_sales:Q", title="Net sales", scale=alt.Scale(scheme="greens")),
            tooltip=[
                alt.Tooltip("properties.name:N", title="State"),
                alt.Tooltip("orders:Q", format=","),
                alt.Tooltip("net_sales:Q", title="Net sales", format=",.2f"),
            ],
        )
    )
    return (base + filled).project(type="albersUsa").properties(height=420)


def customers(ctx: Context) -> None:
    st.title("Customers")
    period = _scope("customers_scope", ctx)
    st.caption(
        ("All time" if period is None else f"Orders placed {ctx.period.label()}")
        + f" · {ctx.amounts}"
    )
    top = frame(ctx.reporter.top_customers(period, limit=25))
    st.subheader("Top customers by net sales")
    if top.empty:
        st.info("No customers in this period.", icon=":material/inbox:")
    else:
        table(top)
    st.subheader("Cohort retention")
    st.caption(
        "Share of each first-order month's customers who ordered again n months later"
        + ("" if period is None else " (cohorts starting in the period)")
    )
    cohorts = frame(ctx.reporter.cohorts(period))
    if cohorts.empty:
        st.info("No cohorts in this period.", icon=":material/inbox:")
        return
    cohorts["cohort"] = pd.to_datetime(cohorts["cohort_month"]).dt.strftime("%Y-%m")
    heat = alt.Chart(cohorts).encode(
        x=alt.X("months_since_first_order:O", title="Months since first order"),
        y=alt.Y("cohort:O", title="First order month"),
    )
    chart = heat.mark_rect().encode(
        color=alt.Color(
            "retention_rate:Q",
            title="Retention",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format="%"),
        ),
        tooltip=[
            "cohort:O",
            "months_since_first_order:O",
            "customers:Q",
            "active_customers:Q",
            alt.Tooltip("retention_rate:Q", format=".1%"),
            alt.Tooltip("net_sales:Q", format=",.2f"),
        ],
    ) + heat.mark_text(fontSize=10).encode(
        text=alt.Text("retention_rate:Q", format=".0%"),
        color=alt.condition("datum.retention_rate > 0.5", alt.value("white"), alt.value("black")),
    )
    st.altair_chart(
        chart.properties(height=max(200, 24 * cohorts["cohort"].nunique())), width="stretch"
    )


def products(ctx: Context) -> None:
    _header("Products", ctx, "net sales include returns booked in the period")
    level = st.segmented_control(
        "Level", ["product", "variant"], default="product", key="product_level",
        format_func=str.capitalize,
    ) or "product"  # fmt: skip
    df = frame(ctx.reporter.products(ctx.period, level, limit=25))  # type: ignore[arg-type]
    if df.empty:
        st.info("No product sales in this period.", icon=":material/inbox:")
        return
    name = "product_title" if level == "product" else "variant_title"
    df["label"] = df["product_title"].fillna("(unknown product)")
    if level == "variant":
        df["label"] = df["label"] + " - " + df[name].fillna("default")
    chart = (
        alt.Chart(df.head(15))
        .mark_bar()
        .encode(
            x=alt.X("net_sales:Q", title="Net sales"),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=["label:N", "units_sold:Q", alt.Tooltip("net_sales:Q", format=",.2f")],
        )
        .properties(height=380)
    )
    st.altair_chart(chart, width="stretch")
    table(df.drop(columns=["label"]))


def growth_page(ctx: Context) -> None:
    st.title("Growth")
    st.caption(
        f"Net sales per quarter, all time, {ctx.amounts}: quarter over quarter and year over year"
    )
    rows = ctx.reporter.growth()
    if not rows:
        st.info("Not enough history for growth yet.", icon=":material/inbox:")
        return
    df = frame(rows)
    df["quarter_label"] = df["year"].astype(str) + " Q" + df["quarter"].astype(str)
    latest = rows.dicts()[-1]
    a, b, c = st.columns(3)
    a.metric(
        f"Net sales {df['quarter_label'].iloc[-1]}", ctx.money(latest["net_sales"]), border=True
    )
    b.metric("Quarter over quarter", format_growth(latest["qoq_growth"]), border=True)
    c.metric("Year over year", format_growth(latest["yoy_growth"]), border=True)
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("quarter_label:O", title=None, sort=None),
            y=alt.Y("net_sales:Q", title="Net sales"),
            tooltip=[
                "quarter_label:O",
                alt.Tooltip("net_sales:Q", format=",.2f"),
                alt.Tooltip("qoq_growth:Q", format="+.1%"),
                alt.Tooltip("yoy_growth:Q", format="+.1%"),
            ],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")
    growth_table = pd.DataFrame(
        {
            "Quarter": df["quarter_label"],
            "Net sales": df["net_sales"],
            "QoQ growth": [format_growth(v) for v in rows.column("qoq_growth")],
            "YoY growth": [format_growth(v) for v in rows.column("yoy_growth")],
        }
    )
    table(growth_table)
