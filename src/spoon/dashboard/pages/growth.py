"""Growth: net sales per quarter, quarter over quarter and year over year, all time."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from spoon.dashboard.kpis import format_growth
from spoon.dashboard.widgets import Context, frame, table


def render(ctx: Context) -> None:
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
