"""Products: the product (or variant) leaderboard by net sales in the period."""

from __future__ import annotations

import altair as alt
import streamlit as st

from spoon.dashboard.widgets import Context, frame, header, table


def render(ctx: Context) -> None:
    header("Products", ctx, "net sales include returns booked in the period")
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
