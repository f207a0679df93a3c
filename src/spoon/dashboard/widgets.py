"""What every dashboard page shares: the page context, tables, the scope switch, headers.

Money is shown exactly as `spoon.dashboard.kpis` formats it; tables get readable headers
and accounting formats. Nothing here queries the warehouse: pages get their figures from
`Context.reporter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from spoon.dashboard.backends import Rows
from spoon.dashboard.kpis import Period, format_money
from spoon.dashboard.service import Reporter
from spoon.metrics import MONEY_COLUMNS

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


@dataclass(frozen=True)
class Context:
    """What the sidebar picked, handed to each page's `render`."""

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


def frame(rows: Rows) -> pd.DataFrame:
    """Rows as a DataFrame, money as floats (display only; figures are computed exactly)."""
    df = pd.DataFrame(rows.rows, columns=list(rows.columns))
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, Decimal)).any():
            df[col] = df[col].map(lambda v: None if v is None else float(v)).astype("float64")
    return df


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


def scope(key: str, ctx: Context) -> Period | None:
    """The 'Selected period | All time' switch: the period, or None for all time."""
    choice = st.segmented_control(
        "Scope",
        ["Selected period", "All time"],
        default="Selected period",
        key=key,
        label_visibility="collapsed",
    )
    return None if choice == "All time" else ctx.period


def header(title: str, ctx: Context, note: str = "") -> None:
    """The page title, with the period, the amounts' currency and `note` under it."""
    st.title(title)
    st.caption(" · ".join(x for x in (ctx.period.label(), ctx.amounts, note) if x))
